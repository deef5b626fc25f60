import { describe, expect, it } from "vitest";
import { unexpectedFields, unexpectedFieldsProblem } from "../../hooks-src/konvert/rules/fields.ts";
import { asRole, roleForNewAccount } from "../../hooks-src/konvert/rules/roles.ts";
import { roomCreateProblem } from "../../hooks-src/konvert/rules/rooms.ts";
import { passwordProblem, usernameProblem } from "../../hooks-src/konvert/rules/signup.ts";

describe("usernameProblem", () => {
  it.each(["abc", "Ab_-9", "x".repeat(32), "iBro"])("accepts %j", (name) => {
    expect(usernameProblem(name)).toBeNull();
  });
  it.each([
    ["", /required/],
    [undefined, /required/],
    [42, /required/],
    ["ab", /3–32/],
    ["x".repeat(33), /3–32/],
    ["имя", /Latin/],
    ["a b c", /Latin/],
    ["emoji😀", /Latin/],
  ])("refuses %j", (name, message) => {
    expect(usernameProblem(name)).toMatch(message);
  });
});

describe("passwordProblem", () => {
  it("wants at least 8 characters", () => {
    expect(passwordProblem("1234567")).toMatch(/at least 8/);
    expect(passwordProblem("12345678")).toBeNull();
    expect(passwordProblem(undefined)).toMatch(/required/);
  });
});

describe("fields allow-list", () => {
  it("lists keys outside the allow-list in order", () => {
    expect(unexpectedFields({ a: 1, role: "admin", b: 2 }, ["a", "b"])).toEqual(["role"]);
    expect(unexpectedFieldsProblem({ a: 1 }, ["a"])).toBeNull();
    expect(unexpectedFieldsProblem({ x: 1, y: 2 }, [])).toBe(
      "Unknown or read-only fields: 'x', 'y'.",
    );
  });
});

describe("roles", () => {
  it("treats unknown stored roles as plain users", () => {
    expect(asRole("moderator")).toBe("moderator");
    expect(asRole("")).toBe("user");
    expect(asRole("root")).toBe("user");
  });
  it("makes only the first account admin", () => {
    expect(roleForNewAccount(0)).toBe("admin");
    expect(roleForNewAccount(1)).toBe("user");
  });
});

describe("roomCreateProblem", () => {
  it("lets anyone create private rooms and only admins public ones", () => {
    expect(roomCreateProblem("Room", "private", "user")).toBeNull();
    expect(roomCreateProblem("Room", "public", "admin")).toBeNull();
    expect(roomCreateProblem("Room", "public", "moderator")?.code).toBe(
      "room.create.public_admin_only",
    );
  });
  it("refuses other types and bad names", () => {
    expect(roomCreateProblem("Room", "dm", "admin")?.code).toBe("room.create.type");
    expect(roomCreateProblem(" ", "private", "user")?.code).toBe("room.name.required");
    expect(roomCreateProblem("Комната 🎉", "private", "user")).toBeNull();
  });
});
