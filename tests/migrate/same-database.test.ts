/**
 * `migrate` refuses to copy a database onto itself however its URI is spelled: the same server
 * and database behind localhost or 127.0.0.1, with or without the default port, in any case.
 */
import { sameDatabase } from "../../migrate/endpoints";

const TARGET = "mongodb://nightscout:pw@127.0.0.1:27017/nightscout";

describe("sameDatabase", () => {
  test.each([
    ["the same URI", TARGET],
    ["localhost for 127.0.0.1", "mongodb://nightscout:pw@localhost:27017/nightscout"],
    ["the default port left out", "mongodb://127.0.0.1/nightscout"],
    ["another user, or none", "mongodb://someone:else@127.0.0.1:27017/nightscout"],
    ["the host in capitals and the database in another case", "mongodb://LOCALHOST/Nightscout"],
    ["one host of a replica set", "mongodb://db.example.org,127.0.0.1:27017/nightscout"],
    ["options after the database", "mongodb://localhost/nightscout?authSource=admin"],
  ])("%s is the same database", (_, source) => {
    expect(sameDatabase(source, [TARGET])).toBe(true);
  });

  test.each([
    ["another port", "mongodb://127.0.0.1:27018/nightscout"],
    ["another database", "mongodb://127.0.0.1:27017/nightscout-old"],
    ["another host", "mongodb://old.example.org:27017/nightscout"],
  ])("%s is another database", (_, source) => {
    expect(sameDatabase(source, [TARGET])).toBe(false);
  });

  test("the in-cluster URI behind a port-forward counts as the target too", () => {
    const inCluster = "mongodb://u:p@ferretdb.nightscout.svc.cluster.local:27017/nightscout";
    const source = "mongodb://ferretdb.nightscout.svc.cluster.local/nightscout";
    expect(sameDatabase(source, ["mongodb://u:p@127.0.0.1:41234/nightscout", inCluster])).toBe(
      true,
    );
    expect(sameDatabase(source, ["mongodb://u:p@127.0.0.1:41234/nightscout"])).toBe(false);
  });
});
