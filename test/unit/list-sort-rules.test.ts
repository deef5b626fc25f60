// Sorting by e-mail is refused in any spelling PocketBase accepts: direction signs, relation paths,
// modifiers, several terms.
import { describe, expect, it } from "vitest";
import { emailSortProblem, emailSortTerm } from "../../hooks-src/konvert/rules/list-sort.ts";

describe("emailSortTerm", () => {
  it("finds e-mail anywhere in a sort", () => {
    expect(emailSortTerm("email")).toBe("email");
    expect(emailSortTerm("-email")).toBe("email");
    expect(emailSortTerm("created, +EMAIL")).toBe("EMAIL");
    expect(emailSortTerm("user.email")).toBe("user.email");
    expect(emailSortTerm("-author.email:lower")).toBe("author.email:lower");
    expect(emailSortTerm("@collection.users.email")).toBe("@collection.users.email");
    expect(emailSortTerm("room_members_via_user.user.email ")).toBe(
      "room_members_via_user.user.email",
    );
  });

  it("lets other sorts through, including emailVisibility", () => {
    for (const sort of [
      "",
      "created",
      "-updated,id",
      "emailVisibility",
      "user.username",
      "@random",
    ]) {
      expect(emailSortTerm(sort), sort).toBeNull();
      expect(emailSortProblem(sort)).toBeNull();
    }
    expect(emailSortProblem("email")).toBe("Lists cannot be sorted by e-mail address.");
  });
});
