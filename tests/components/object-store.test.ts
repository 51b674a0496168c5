/** The object stores' egress ports (no Pulumi runtime involved). */
import { objectStoreEgressPorts } from "../../components/object-store";

describe("spec builders (no Pulumi runtime involved)", () => {
  test("object stores on ports other than HTTPS's open those ports, once", () => {
    const store = (endpointUrl?: string) => ({
      destinationPath: "s3://b",
      endpointUrl,
      accessKeyId: "a",
      secretAccessKey: "s",
    });
    expect(objectStoreEgressPorts([undefined, store()])).toEqual([]);
    expect(objectStoreEgressPorts([store("https://s3.example.org")])).toEqual([]);
    expect(objectStoreEgressPorts([store("https://api.example.org:6443")])).toEqual([]);
    expect(objectStoreEgressPorts([store("http://minio")])).toEqual([80]);
    expect(
      objectStoreEgressPorts([store("http://minio:9000"), store("https://minio:9000")]),
    ).toEqual([9000]);
  });
});
