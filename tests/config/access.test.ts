/**
 * The access setting (fact 40): each entry's fields as config/records.ts reads them, and the
 * catalogue's access-entries rule over them, every problem at its path with a fix to run.
 */
import { parse, problems } from "./helpers";

const access = (...entries: unknown[]) => ({ access: JSON.stringify(entries) });

describe("access entries: their fields", () => {
  it("accepts followers and uploaders, with text or YAML numbers and booleans", () => {
    const config = parse({
      ...access(
        { name: "Grandma", roles: ["readable"], note: "her phone", rotate: 2 },
        { name: "AAPS", roles: ["admin"], kind: "uploader", allowAdmin: "true", rotate: "0" },
        { name: "School nurse", roles: ["readable", "careportal"], kind: "follower" },
      ),
    });
    expect(config.warnings).toEqual([]);
  });

  it("refuses a value that is not a list, naming the fields and the first one to set", () => {
    expect(problems({ access: '{"name":"Grandma"}' })).toEqual([
      `nightscout:access = "{\\"name\\":\\"Grandma\\"}": must be a list of entries, each with name, roles, kind, note, rotate, allowAdmin. Fix: pulumi config set --path 'access[0].name' "Grandma" (one entry per index)`,
    ]);
  });

  it("reports every bad field of every entry at its own path, and an entry that is not one", () => {
    expect(
      problems(
        access(
          { name: "Grandma", roles: "readable", rotate: -1 },
          "Grandpa",
          { roles: ["readable"], kind: "watcher", colour: "blue" },
          { name: " Mum", roles: ["readable"], allowAdmin: "yes" },
        ),
      ),
    ).toEqual([
      `nightscout:access[0].roles = "readable": must be a list of strings. Fix: pulumi config rm --path 'access[0].roles' && pulumi config set --path 'access[0].roles[0]' readable`,
      `nightscout:access[0].rotate = "-1": must be a whole number. Fix: pulumi config set --path 'access[0].rotate' 1`,
      `nightscout:access[1] = "Grandpa": must be an entry with name, roles, kind, note, rotate, allowAdmin, not a string. Fix: pulumi config set --path 'access[1].name' "Grandma"`,
      `nightscout:access[2].colour = "blue": is not a field of an entry (fields: name, roles, kind, note, rotate, allowAdmin), so it would be ignored. Fix: pulumi config rm --path 'access[2].colour'`,
      `nightscout:access[2].name = undefined: is required: whom the token is for; its first letters start the token. Fix: pulumi config set --path 'access[2].name' "Grandma"`,
      `nightscout:access[2].kind = "watcher": must be follower or uploader. Fix: pulumi config set --path 'access[2].kind' follower`,
      `nightscout:access[3].name = " Mum": has whitespace at its start or end, which would be kept as part of the value. Fix: pulumi config set --path 'access[3].name' "Mum"`,
      `nightscout:access[3].allowAdmin = "yes": must be true or false. Fix: pulumi config set --path 'access[3].allowAdmin' true`,
    ]);
  });

  it("refuses a rotate counter past its range and an empty name", () => {
    expect(problems(access({ name: "", roles: ["readable"], rotate: 1_000_001 }))).toEqual([
      `nightscout:access[0].name = "": must not be empty. Fix: pulumi config set --path 'access[0].name' "Grandma"`,
      `nightscout:access[0].rotate = "1000001": must be a whole number from 0 to 1000000. Fix: pulumi config set --path 'access[0].rotate' <0..1000000>`,
    ]);
  });
});

describe("access entries: the access-entries rule", () => {
  it("refuses an unknown role, naming the built-in and the declared ones", () => {
    expect(
      problems({
        ...access({ name: "Grandma", roles: ["readable", "reader"] }),
        accessRoles: JSON.stringify([
          { name: "carbs-only", permissions: ["api:treatments:create"] },
        ]),
      }),
    ).toEqual([
      `nightscout:access[0].roles = "[\\"readable\\",\\"reader\\"]": Grandma: names unknown roles: reader (built in: admin, denied, status-only, readable, careportal, devicestatus-upload, activity; declared in accessRoles: carbs-only). Fix: pulumi config set --path 'access[0].roles[1]' readable (or declare the role in accessRoles)`,
    ]);
  });

  it("accepts a declared custom role", () => {
    const config = parse({
      ...access({ name: "School", roles: ["carbs-only"] }),
      accessRoles: JSON.stringify([{ name: "carbs-only", permissions: ["api:treatments:create"] }]),
    });
    expect(config.warnings).toEqual([]);
  });

  it("refuses admin unless acknowledged, and a custom role that grants everything alike", () => {
    expect(
      problems({
        ...access({ name: "Dad", roles: ["readable", "admin"] }, { name: "Uncle", roles: ["all"] }),
        accessRoles: JSON.stringify([{ name: "all", permissions: ["*"] }]),
      }),
    ).toEqual([
      `nightscout:access[0].roles = "[\\"readable\\",\\"admin\\"]": Dad: admin hands over the whole site, settings and every subject's tokens included. Fix: pulumi config set --path 'access[0].roles[1]' readable (or, for a device that needs it, as AAPS does over API v3: pulumi config set --path 'access[0].allowAdmin' true)`,
      `nightscout:access[1].roles = "[\\"all\\"]": Uncle: all hands over the whole site, settings and every subject's tokens included. Fix: pulumi config set --path 'access[1].roles[0]' readable (or, for a device that needs it, as AAPS does over API v3: pulumi config set --path 'access[1].allowAdmin' true)`,
    ]);
  });

  it("warns, and goes on, when a follower gets a role that uploads", () => {
    const config = parse({
      ...access(
        { name: "Mum", roles: ["readable", "devicestatus-upload"] },
        { name: "Dad", roles: ["entries-writer"] },
        { name: "xDrip", roles: ["devicestatus-upload"], kind: "uploader" },
      ),
      accessRoles: JSON.stringify([
        { name: "entries-writer", permissions: ["api:entries:create"] },
      ]),
    });
    expect(config.warnings).toEqual([
      "nightscout:access[0].roles: Mum: is a follower, yet devicestatus-upload lets it write glucose or device data that the loop and the caregivers act on (accepted: a caregiver's phone may upload too; make the entry kind uploader if so)",
      "nightscout:access[1].roles: Dad: is a follower, yet entries-writer lets it write glucose or device data that the loop and the caregivers act on (accepted: a caregiver's phone may upload too; make the entry kind uploader if so)",
    ]);
  });

  it("does not call a role that only reads or enters treatments an uploader role", () => {
    const config = parse({
      ...access({ name: "Mum", roles: ["readable", "careportal", "reads"] }),
      accessRoles: JSON.stringify([
        { name: "reads", permissions: ["api:entries:read", "*:*:read"] },
      ]),
    });
    expect(config.warnings).toEqual([]);
  });

  it("refuses names whose tokens would start alike, with nothing, or as the stack's own subject's", () => {
    expect(
      problems(
        access(
          { name: "Grandma", roles: ["readable"] },
          { name: "grandma!", roles: ["readable"] },
          { name: "👵", roles: ["readable"] },
          { name: "Glucose exporter", roles: ["readable"] },
          { name: "School nurse, Room 12", roles: ["readable"] },
          { name: "School nurse, Room 14", roles: ["readable"] },
        ),
      ),
    ).toEqual([
      `nightscout:access[1].name = "grandma!": gives tokens starting "grandma-", as access[0] (Grandma) does, so the two links could not be told apart. Fix: pulumi config set --path 'access[1].name' "<a name whose first 7 letters differ>"`,
      `nightscout:access[2].name = "👵": has no letter or digit, so the token would start with nothing that tells whose it is. Fix: pulumi config set --path 'access[2].name' "<a name with letters or digits>"`,
      `nightscout:access[3].name = "Glucose exporter": gives tokens starting "glucoseexp-", as the stack's own glucose-exporter subject does, so the two links could not be told apart. Fix: pulumi config set --path 'access[3].name' "<a name whose first 10 letters differ>"`,
      `nightscout:access[5].name = "School nurse, Room 14": gives tokens starting "schoolnurs-", as access[4] (School nurse, Room 12) does, so the two links could not be told apart. Fix: pulumi config set --path 'access[5].name' "<a name whose first 10 letters differ>"`,
    ]);
  });

  it("refuses a custom role named as a built-in, twice, or unlike a role, and a malformed permission", () => {
    expect(
      problems({
        accessRoles: JSON.stringify([
          { name: "readable", permissions: ["*:*:read"] },
          { name: "carbs", permissions: ["api:treatments:create", "api treatments create"] },
          { name: "carbs", permissions: ["api:treatments:create"] },
          { name: "nightscout-stack/rotate-1", permissions: ["*:*:read"] },
        ]),
      }),
    ).toEqual([
      `nightscout:accessRoles[0].name = "readable": is a built-in role's name: Nightscout would keep only one of them. Fix: pulumi config set --path 'accessRoles[0].name' "readable-custom"`,
      `nightscout:accessRoles[1].permissions[1] = "api treatments create": is not a Nightscout permission: up to four parts joined by ':', each a lowercase word or *. Fix: pulumi config set --path 'accessRoles[1].permissions[1]' api:treatments:create`,
      `nightscout:accessRoles[2].name = "carbs": is declared twice: Nightscout would keep only one of them. Fix: pulumi config set --path 'accessRoles[2].name' "carbs-custom"`,
      `nightscout:accessRoles[3].name = "nightscout-stack/rotate-1": must be lowercase letters, digits and single dashes, as the built-in roles are. Fix: pulumi config set --path 'accessRoles[3].name' "nightscout-stack-rotate-1"`,
    ]);
  });
});

describe("access: whether and how the stack manages it", () => {
  it("leaves Nightscout's subjects alone while neither access nor accessRoles is given", () => {
    expect(parse({}).access).toBeUndefined();
  });

  it("manages them once given, even as an empty list, which revokes every managed subject", () => {
    expect(parse({ access: "[]" }).access).toEqual({
      declaration: { subjects: [], roles: [], undeclared: "delete" },
      mode: "portForward",
      deadlineSeconds: expect.any(Number),
    });
  });

  it("hands the reconciler each entry with its rotation, and each custom role with its note", () => {
    const config = parse({
      ...access({ name: "School", roles: ["carbs"], rotate: "2", note: "office" }),
      accessRoles: JSON.stringify([
        { name: "carbs", permissions: ["api:treatments:create"], note: "school" },
      ]),
      postDeployCheck: "direct",
      postDeployCheckUri: "mongodb://u:p@db.example.org:27017/nightscout",
    });
    expect(config.access?.declaration).toEqual({
      subjects: [{ name: "School", roles: ["carbs"], rotate: 2 }],
      roles: [{ name: "carbs", permissions: ["api:treatments:create"], note: "school" }],
      undeclared: "delete",
    });
    expect(config.access?.mode).toBe("direct");
  });

  it("with monitoring on, gives the glucose exporter a readable subject of its own; alone, it revokes nothing", () => {
    const exporter = { name: "glucose-exporter", roles: ["readable"], rotate: 0 };
    expect(parse({ monitoring: "true" }).access?.declaration).toEqual({
      subjects: [exporter],
      roles: [],
      undeclared: "keep",
    });
    expect(
      parse({ monitoring: "true", ...access({ name: "Mum", roles: ["readable"] }) }).access
        ?.declaration,
    ).toEqual({
      subjects: [exporter, { name: "Mum", roles: ["readable"], rotate: 0 }],
      roles: [],
      undeclared: "delete",
    });
  });

  it("reads an empty glucoseExporterToken as unset, as monitoring does: the exporter gets its subject", () => {
    const config = parse({ monitoring: "true", glucoseExporterToken: "" });
    expect(config.monitoring?.exporter.readToken).toBeUndefined();
    expect(config.access?.declaration.subjects.map((x) => x.name)).toEqual(["glucose-exporter"]);
  });

  it("leaves the exporter's token to the operator when glucoseExporterToken is set", () => {
    const config = parse({ monitoring: "true", glucoseExporterToken: "exporter-0123456789abcdef" });
    expect(config.access).toBeUndefined();
    expect(config.warnings).toEqual([]);
  });

  it("warns when the exporter must read with API_SECRET's hash: monitoring on, postDeployCheck off", () => {
    const config = parse({ monitoring: "true", postDeployCheck: "off" });
    expect(config.access).toBeUndefined();
    expect(config.warnings).toEqual([
      expect.stringMatching(
        /^monitoring: the glucose exporter reads Nightscout with API_SECRET's hash, which grants admin, because postDeployCheck is off.*set postDeployCheck to portForward, or glucoseExporterToken/,
      ),
    ]);
  });

  it("applies nothing while rendering, with a warning only when access is declared", () => {
    const rendering = { renderYamlToDirectory: "/tmp/nightscout-rendered", postDeployCheck: "off" };
    const declared = parse({ ...rendering, ...access({ name: "Mum", roles: ["readable"] }) });
    expect(declared.access).toBeUndefined();
    expect(declared.warnings).toEqual([
      "access: not applied while renderYamlToDirectory is set: nothing is deployed, so there is no Nightscout to make the subjects in",
    ]);
    const monitored = parse({ ...rendering, monitoring: "true" });
    expect(monitored.access).toBeUndefined();
    expect(monitored.warnings).toEqual([]);
  });

  it("refuses access with the post-deploy check off: nothing would carry it out", () => {
    expect(
      problems({ ...access({ name: "Mum", roles: ["readable"] }), postDeployCheck: "off" }),
    ).toEqual([
      `nightscout:access = "[{\\"name\\":\\"Mum\\",\\"roles\\":[\\"readable\\"]}]": is applied after deploy through the post-deploy check's route, and postDeployCheck is off. Fix: pulumi config set postDeployCheck portForward (or pulumi config rm access and accessRoles to manage access by hand)`,
    ]);
  });
});
