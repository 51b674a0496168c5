/** The access reconciler's plan (domain/access-plan.ts): declared subjects against Nightscout's. */
import {
  type Declared,
  type Existing,
  managedNotes,
  managedRole,
  managedRotation,
  planAccess,
  planChanges,
} from "../../domain/access-plan";

type Roles = { roles: string[] };
const declared = (name: string, roles: string[], rotate = 0): Declared<Roles> => ({
  name,
  fields: { roles },
  rotate,
});
const managed = (_id: string, name: string, roles: string[], rotate = 0): Existing<Roles> => ({
  _id,
  name,
  fields: { roles },
  rotation: rotate,
});
const byHand = (_id: string, name: string, roles: string[]): Existing<Roles> => ({
  _id,
  name,
  fields: { roles },
  rotation: undefined,
});

describe("the stack's mark", () => {
  it("on a role: notes with the rotation and the operator's note", () => {
    expect(managedNotes(0)).toBe("managed by nightscout-stack (rotate 0)");
    expect(managedNotes(3, "her phone")).toBe("managed by nightscout-stack (rotate 3): her phone");
    expect(managedRotation(managedNotes(3, "two\nlines"))).toBe(3);
    expect(managedRotation("made on the Admin Tools page")).toBeUndefined();
    expect(managedRotation("see: managed by nightscout-stack (rotate 1)")).toBeUndefined();
  });

  it("on a subject: a role of its own among the others", () => {
    expect(managedRole(2)).toBe("nightscout-stack/rotate-2");
    expect(managedRotation(["readable", managedRole(2)])).toBe(2);
    expect(managedRotation(["readable"])).toBeUndefined();
    expect(managedRotation(["readable", "x-nightscout-stack/rotate-2"])).toBeUndefined();
    expect(managedRotation(undefined)).toBeUndefined();
  });
});

describe("planAccess", () => {
  it("creates what is missing, with the marker", () => {
    const plan = planAccess([declared("Grandma", ["readable"])], [], "subject");
    expect(plan).toEqual({
      actions: [{ kind: "create", name: "Grandma", fields: { roles: ["readable"] } }],
      conflicts: [],
    });
    expect(planChanges(plan)).toBe(true);
  });

  it("keeps what matches, so a second run changes nothing", () => {
    const plan = planAccess(
      [declared("Grandma", ["readable"], 2)],
      [managed("a1", "Grandma", ["readable"], 2)],
      "subject",
    );
    expect(plan.actions).toEqual([{ kind: "keep", _id: "a1", name: "Grandma" }]);
    expect(planChanges(plan)).toBe(false);
  });

  it("updates changed fields in place: the _id, so the token, stays", () => {
    const plan = planAccess(
      [
        declared("Grandma", ["readable", "careportal"]),
        { name: "carbs", fields: { permissions: ["a"], notes: "new" }, rotate: 0 },
      ],
      [
        managed("a1", "Grandma", ["readable"]),
        { _id: "r1", name: "carbs", fields: { permissions: ["a"], notes: "old" }, rotation: 0 },
      ] as Existing<object>[],
      "subject",
    );
    expect(plan.actions).toEqual([
      {
        kind: "update",
        _id: "a1",
        name: "Grandma",
        fields: { roles: ["readable", "careportal"] },
        changed: ["roles"],
      },
      {
        kind: "update",
        _id: "r1",
        name: "carbs",
        fields: { permissions: ["a"], notes: "new" },
        changed: ["notes"],
      },
    ]);
  });

  it("replaces a subject whose rotate counter moved: a new _id, a new token", () => {
    const plan = planAccess(
      [declared("Grandma", ["readable"], 1)],
      [managed("a1", "Grandma", ["readable"], 0)],
      "subject",
    );
    expect(plan.actions).toEqual([
      { kind: "rotate", _id: "a1", name: "Grandma", fields: { roles: ["readable"] } },
    ]);
  });

  it("deletes managed subjects no longer declared, and a managed duplicate", () => {
    const plan = planAccess(
      [declared("Grandma", ["readable"])],
      [
        managed("a1", "Grandma", ["readable"]),
        managed("a2", "Grandma", ["readable"]),
        managed("a3", "Old phone", ["readable"]),
      ],
      "subject",
    );
    expect(plan.actions).toEqual([
      { kind: "keep", _id: "a1", name: "Grandma" },
      { kind: "delete", _id: "a2", name: "Grandma" },
      { kind: "delete", _id: "a3", name: "Old phone" },
    ]);
  });

  it("with undeclared 'keep' (only the stack's own subjects declared), revokes nothing", () => {
    const plan = planAccess(
      [declared("glucose-exporter", ["readable"])],
      [managed("a3", "Old phone", ["readable"]), byHand("h1", "Nurse", ["readable"])],
      "subject",
      "keep",
    );
    expect(plan.actions).toEqual([
      { kind: "create", name: "glucose-exporter", fields: { roles: ["readable"] } },
      { kind: "keep", _id: "a3", name: "Old phone" },
      { kind: "leave", _id: "h1", name: "Nurse" },
    ]);
  });

  it("leaves hand-made subjects alone, and says so", () => {
    const plan = planAccess([], [byHand("h1", "Nurse", ["readable"])], "subject");
    expect(plan.actions).toEqual([{ kind: "leave", _id: "h1", name: "Nurse" }]);
    expect(planChanges(plan)).toBe(false);
  });

  it("will not declare over a hand-made subject of the same name: a conflict, nothing planned for it", () => {
    const plan = planAccess(
      [declared("Nurse", ["readable"]), declared("Mum", ["readable"])],
      [byHand("h1", "Nurse", ["careportal"])],
      "subject",
    );
    expect(plan.conflicts).toEqual([
      'subject "Nurse" was made by hand (_id h1); the stack leaves it alone and so cannot declare that name: delete it in Admin Tools, or rename the entry',
    ]);
    expect(plan.actions).toEqual([
      { kind: "create", name: "Mum", fields: { roles: ["readable"] } },
      { kind: "leave", _id: "h1", name: "Nurse" },
    ]);
  });
});

describe("planChanges", () => {
  it("is true when any one action changes something, false for an empty plan", () => {
    const plan = planAccess(
      [declared("Grandma", ["readable"]), declared("Mum", ["readable"])],
      [managed("a1", "Grandma", ["readable"])],
      "subject",
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(["keep", "create"]);
    expect(planChanges(plan)).toBe(true);
    expect(planChanges(planAccess([], [], "subject"))).toBe(false);
  });
});
