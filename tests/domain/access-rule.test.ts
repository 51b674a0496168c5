/**
 * The access-entries rule (domain/rules/access.ts) at its own check, every finding whole: its
 * fix too, which the settings' warnings do not show. The module is loaded afresh inside each
 * test (`fresh`), so StrykerJS's `ignoreStatic` run counts the patterns and lists it fixes when it
 * loads as reached here (docs/mutation-testing.md); the rest of domain/ is shared, loaded once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AccessEntry, AccessModel, CustomRole, Finding, Vocabulary } from "../../domain";

/* eslint-disable @typescript-eslint/no-require-imports */
const DOMAIN = path.resolve(__dirname, "../../domain");
const TARGET = path.join(DOMAIN, "rules", "access.ts");
/** Every module of domain/ and domain/rules/ but the rule's own, loaded once. */
const SHARED = [DOMAIN, path.join(DOMAIN, "rules")].flatMap((dir) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && path.join(dir, f) !== TARGET)
    .map((f) => [path.join(dir, f), require(path.join(dir, f)) as unknown] as const),
);

type Field = "access" | "accessRoles";

/** domain/rules/access.ts loaded afresh, the rest of domain/ shared. */
function fresh(): typeof import("../../domain/rules/access") {
  let loaded!: typeof import("../../domain/rules/access");
  jest.isolateModules(() => {
    for (const [f, module] of SHARED) jest.doMock(f, () => module);
    loaded = require(TARGET) as typeof import("../../domain/rules/access");
  });
  return loaded;
}

/** The rule's findings for `model`, from the module loaded afresh. */
function check(model: Partial<AccessModel>, words: Vocabulary<Field> = plain): Finding<Field>[] {
  return fresh().accessEntries.check({ entries: [], customRoles: [], ...model }, words, {});
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** A reader with no way to set a place inside a field: the rule names the place itself. */
const plain: Vocabulary<Field> = { name: (f) => f, set: (f, v) => `set ${f} ${v}` };
/** A reader that can: the rule hands it the field, the place and the value. */
const placed: Vocabulary<Field> = { ...plain, setAt: (f, at, v) => `${f}${at}:=${v}` };

const text = (f: Finding<Field>) =>
  `${f.kind ?? "-"} ${f.field}${f.at ?? ""} = ${f.value}: ${f.why}. Fix: ${f.fix}`;

const follower = (
  index: number,
  name: string,
  roles: string[],
  allowAdmin = false,
): AccessEntry => ({
  index,
  name,
  kind: "follower",
  roles,
  allowAdmin,
});
const role = (index: number, name: string, permissions: string[]): CustomRole => ({
  index,
  name,
  permissions,
});

const BUILT_IN = "admin, denied, status-only, readable, careportal, devicestatus-upload, activity";

describe("custom roles: names and permissions", () => {
  it("accepts Nightscout's forms: words and * in one to four parts, names of words and dashes", () => {
    expect(
      check({
        customRoles: [
          role(0, "carbs", ["api:treatments:create", "*:*:read", "*", "api:entries-x2:read:own"]),
          role(1, "carbs-only-2", ["api:treatments", "a1", "*:*:*:*"]),
          role(2, "9x", ["api"]),
        ],
      }),
    ).toEqual([]);
  });

  it("refuses a permission with capitals, spaces, five parts or an empty or leading-dash part", () => {
    const bad = ["Api", "api:Read", "a b", "a:b:c:d:e", "api:", "-api", "api:-x"];
    expect(check({ customRoles: [role(0, "carbs", bad)] }).map(text)).toEqual(
      bad.map(
        (p, i) =>
          `- accessRoles[0].permissions[${i}] = ${p}: is not a Nightscout permission: up to four parts joined by ':', each a lowercase word or *. Fix: set accessRoles[0].permissions[${i}] to api:treatments:create`,
      ),
    );
  });

  it("refuses a name that is not lowercase words joined by single dashes, proposing one that is", () => {
    const names: [string, string][] = [
      ["-ab", "ab"],
      ["ab-", "ab"],
      ["Carbs", "carbs"],
      ["a//b", "a-b"],
      ["a--b", "a-b"],
      ["!!!", "my-role"],
    ];
    expect(
      check({ customRoles: names.map(([name], i) => role(i, name, ["*:*:read"])) }, placed).map(
        text,
      ),
    ).toEqual(
      names.map(
        ([name, proposed], i) =>
          `- accessRoles[${i}].name = ${name}: must be lowercase letters, digits and single dashes, as the built-in roles are. Fix: accessRoles[${i}].name:="${proposed}"`,
      ),
    );
  });
});

describe("access entries: roles", () => {
  it("names every unknown role, and no declared ones while there are none", () => {
    expect(check({ entries: [follower(0, "Ann", ["readable", "reader", "writer"])] })).toEqual([
      {
        field: "access",
        at: "[0].roles",
        value: '["readable","reader","writer"]',
        why: `Ann: names unknown roles: reader, writer (built in: ${BUILT_IN})`,
        fix: "set access[0].roles[1] to readable (or declare the role in accessRoles)",
      },
    ]);
  });

  it("names every declared custom role beside the built-in ones", () => {
    expect(
      check(
        {
          entries: [follower(3, "Ann", ["reader"])],
          customRoles: [
            role(0, "carbs", ["api:treatments:create"]),
            role(1, "reads", ["*:*:read"]),
          ],
        },
        placed,
      ).map(text),
    ).toEqual([
      `- access[3].roles = ["reader"]: Ann: names unknown roles: reader (built in: ${BUILT_IN}; declared in accessRoles: carbs, reads). Fix: access[3].roles[0]:=readable (or declare the role in accessRoles)`,
    ]);
  });

  it("calls admin any role that grants everything, in one to four parts", () => {
    const customRoles = [
      role(0, "star", ["*"]),
      role(1, "star2", ["*:*"]),
      role(2, "star3", ["*:*:*"]),
      role(3, "mixed", ["*:*:read", "*"]),
      role(4, "star4", ["*:*:*:*"]),
    ];
    const entries = customRoles.map((r, i) => follower(i, `P${i}`, [r.name]));
    expect(check({ entries, customRoles }).map(text)).toEqual(
      customRoles.map(
        (r, i) =>
          `- access[${i}].roles = ["${r.name}"]: P${i}: ${r.name} hands over the whole site, settings and every subject's tokens included. Fix: set access[${i}].roles[0] to readable (or, for a device that needs it, as AAPS does over API v3: set access[${i}].allowAdmin to true)`,
      ),
    );
  });

  it("calls admin any role that reads or makes subjects, as Nightscout's endpoints check it", () => {
    const customRoles = [
      role(0, "admin-all", ["admin"]),
      role(1, "admin-star", ["admin:*"]),
      role(2, "subjects", ["admin:api:subjects"]),
      role(3, "any-read", ["*:api:subjects:read"]),
      role(4, "roles", ["admin:api:roles:create"]),
      // Each endpoint's own permission, so that none of them can drop out unnoticed.
      ...["subjects:create", "subjects:update", "subjects:delete"].map((p, i) =>
        role(5 + i, `s-${p.split(":")[1]}`, [`*:api:${p}`]),
      ),
      ...["roles:list", "roles:update", "roles:delete"].map((p, i) =>
        role(8 + i, `r-${p.split(":")[1]}`, [`*:api:${p}`]),
      ),
    ];
    const entries = customRoles.map((r, i) => follower(i, `P${i}`, [r.name]));
    expect(check({ entries, customRoles }).map((f) => f.why)).toEqual(
      customRoles.map(
        (r, i) =>
          `P${i}: ${r.name} hands over the whole site, settings and every subject's tokens included`,
      ),
    );
    // Reading everything else, or one admin permission that reveals no token, is not admin.
    const readers = [
      role(0, "reads", ["*:*:read"]),
      role(1, "perms", ["admin:api:permissions:read"]),
    ];
    expect(
      check({
        entries: readers.map((r, i) => follower(i, `R${i}`, [r.name])),
        customRoles: readers,
      }),
    ).toEqual([]);
  });

  it("grants as shiro-trie does: a part or *, everything below the last part, extra parts only *", () => {
    const { grantsPermission } = fresh();
    expect(grantsPermission("api:entries", "api:entries:create")).toBe(true);
    expect(grantsPermission("*:entries:create", "api:entries:create")).toBe(true);
    expect(grantsPermission("api:treatments", "api:entries:create")).toBe(false);
    expect(grantsPermission("api:entries:create:*", "api:entries:create")).toBe(true);
    expect(grantsPermission("api:entries:create:x", "api:entries:create")).toBe(false);
  });

  it("names every admin role of an entry, and then no uploader role besides", () => {
    const customRoles = [role(0, "star2", ["*:*"])];
    expect(
      check({
        entries: [follower(0, "Ann", ["readable", "admin", "star2", "devicestatus-upload"])],
        customRoles,
      }).map(text),
    ).toEqual([
      `- access[0].roles = ["readable","admin","star2","devicestatus-upload"]: Ann: admin, star2 hands over the whole site, settings and every subject's tokens included. Fix: set access[0].roles[1] to readable (or, for a device that needs it, as AAPS does over API v3: set access[0].allowAdmin to true)`,
    ]);
    // Acknowledged admin: the uploader role it also holds adds nothing admin does not grant.
    expect(
      check({ entries: [follower(0, "Ann", ["admin", "devicestatus-upload"], true)] }),
    ).toEqual([]);
  });
});

describe("access entries: a follower that could write device data", () => {
  it("names every uploader role, with fixes at the role and at the entry's kind", () => {
    const model = {
      entries: [
        follower(0, "Ann", ["readable"]),
        follower(2, "Bob", ["readable", "devicestatus-upload", "writer"]),
      ],
      customRoles: [role(0, "writer", ["api:entries:create"])],
    };
    const why =
      "Bob: is a follower, yet devicestatus-upload, writer lets it write glucose or device data that the loop and the caregivers act on";
    expect(check(model).map(text)).toEqual([
      `uploader-role-to-follower access[2].roles = ["readable","devicestatus-upload","writer"]: ${why}. Fix: set access[2].roles[1] to readable (or, if it is a device, set access[2].kind to uploader)`,
    ]);
    expect(check(model, placed).map((f) => f.fix)).toEqual([
      "access[2].roles[1]:=readable (or, if it is a device, access[2].kind:=uploader)",
    ]);
  });

  it("counts a permission that creates or updates entries or device status, however it is spelt", () => {
    const uploading = [
      "api:entries:create",
      "*:entries:create",
      "api:devicestatus:create",
      "api:*:create",
      "api:entries:update",
      "api:entries:*",
      // Shiro-trie: a permission grants everything below its last part.
      "api:entries",
      "api:*",
      "api",
    ];
    const notUploading = [
      "foo:entries:create",
      "status:entries:create",
      "api:treatments:create",
      "api:entries:read",
      "*:*:read",
      "api:profile",
    ];
    const permissions = [...uploading, ...notUploading];
    const customRoles = permissions.map((p, i) => role(i, `r${i}`, [p]));
    const entries = customRoles.map((r, i) => follower(i, `Person ${r.name}`, [r.name]));
    const flagged = check({ entries, customRoles })
      .filter((f) => f.kind === "uploader-role-to-follower")
      .map((f) => permissions[Number(/^\[(\d+)\]/.exec(f.at ?? "")?.[1])]);
    expect(flagged).toEqual(uploading);
  });

  it("counts a role that uploads with any one of its permissions", () => {
    expect(
      check({
        entries: [follower(0, "Ann", ["mixed"])],
        customRoles: [role(0, "mixed", ["api:entries:read", "api:entries:create"])],
      }).map((f) => f.kind),
    ).toEqual(["uploader-role-to-follower"]);
  });
});
