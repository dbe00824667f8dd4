/**
 * The staff page offers an action on a user exactly when the server would accept it: the web's
 * rules (web/src/staff-rules.ts) checked against lib/access.ts for every role pair and scope, and
 * the audit page's reading of values.
 */
import { canManageStaff, permissionsOf } from "../../lib/access";
import type { StaffRole } from "../../lib/auth";
import { auditValue, dayStart, grantableRoles, mayManage, ROLES, type Actor } from "../../web/src/staff-rules";

const SCOPES: string[][] = [["*"], ["h1"], ["h1", "h2"], ["h2"], ["h3"]];

function actor(role: StaffRole, hotelIds: string[]): Actor {
	return { id: "me", role, hotelIds: role === "owner" ? ["*"] : hotelIds, permissions: permissionsOf({ role, sub: "me", hotelIds }) };
}

describe("web staff rules", () => {
	it("offers change / deactivate on another user exactly when lib/access.ts canManageStaff allows it", () => {
		let checked = 0;
		for (const myRole of ROLES) for (const myScope of SCOPES) for (const role of ROLES) for (const scope of SCOPES) {
			const me = actor(myRole, myScope);
			const user = { id: "other", role, hotelIds: role === "owner" ? ["*"] : scope };
			const server = canManageStaff({ role: myRole, sub: "me", hotelIds: me.hotelIds }, { role: user.role, hotelIds: user.hotelIds });
			expect([myRole, myScope, role, scope, mayManage(me, user)]).toEqual([myRole, myScope, role, scope, server]);
			checked++;
		}
		expect(checked).toBe(4 * 5 * 4 * 5);
	});

	it("never offers them on oneself", () => {
		for (const role of ROLES) expect(mayManage(actor(role, ["*"]), { id: "me", role, hotelIds: ["*"] })).toBe(false);
	});

	it("lets an owner give every role and anyone else every role but owner", () => {
		expect(grantableRoles({ role: "owner" })).toEqual(["owner", "manager", "revenue", "front_desk"]);
		for (const role of ["manager", "revenue", "front_desk"] as const) expect(grantableRoles({ role })).toEqual(["manager", "revenue", "front_desk"]);
		expect(grantableRoles(null)).not.toContain("owner");
	});
});

describe("audit values", () => {
	it("reads nothing, secrets, yes/no, texts, lists and objects", () => {
		expect(auditValue(null)).toEqual({ kind: "empty" });
		expect(auditValue(undefined)).toEqual({ kind: "empty" });
		expect(auditValue("")).toEqual({ kind: "empty" });
		expect(auditValue([])).toEqual({ kind: "empty" });
		expect(auditValue("[redacted]")).toEqual({ kind: "redacted" });
		expect(auditValue(false)).toEqual({ kind: "boolean", value: false });
		expect(auditValue(14500)).toEqual({ kind: "text", text: "14500" });
		expect(auditValue("front_desk")).toEqual({ kind: "text", text: "front_desk" });
		expect(auditValue(["h1", "h2"])).toEqual({ kind: "text", text: "h1, h2" });
		expect(auditValue([{ id: "std", totalRooms: 4 }])).toEqual({ kind: "json", text: JSON.stringify([{ id: "std", totalRooms: 4 }], null, 2) });
		expect(auditValue({ city: "Lyon" })).toEqual({ kind: "json", text: '{\n  "city": "Lyon"\n}' });
	});

	it("turns a filter's day into the instant it starts, in the browser's zone", () => {
		const from = dayStart("2027-03-01")!;
		const to = dayStart("2027-03-01", 1)!;
		expect(new Date(from).getDate()).toBe(1);
		expect(new Date(from).getHours()).toBe(0);
		expect(new Date(to).getDate()).toBe(2);
		expect(new Date(to).getHours()).toBe(0);
		expect(dayStart("")).toBeUndefined();
	});
});
