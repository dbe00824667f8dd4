/**
 * The role → permission matrix of SPEC §11, every role × permission, scoped and unscoped, and
 * the staff-management rules (never an owner unless owner; managers for their own hotels only).
 */
import { assertHotelAccess, canManageStaff, canSeeStaff, hasPermission, hotelScope, inScope, listScope, PERMISSIONS, ROLE_PERMISSIONS, type Permission } from "../../lib/access";
import type { AuthUser, StaffRole } from "../../lib/auth";

/** SPEC §11's table, written out again: the module must match it cell by cell. */
const TABLE: Record<Permission, StaffRole[]> = {
	"staff.manage": ["owner", "manager"],
	"hotels.create": ["owner"],
	"hotels.edit": ["owner", "manager"],
	"rates.edit": ["owner", "manager", "revenue"],
	"reservations.view": ["owner", "manager", "revenue", "front_desk"],
	"reservations.manage": ["owner", "manager", "front_desk"],
	"fees.waive": ["owner", "manager"],
	"reports.view": ["owner", "manager", "revenue"],
	"mail.manage": ["owner", "manager"],
	"webhooks.manage": ["owner", "manager"],
	"audit.view": ["owner", "manager"],
};
const ROLES: StaffRole[] = ["owner", "manager", "revenue", "front_desk"];

const staff = (role: StaffRole, hotelIds: string[]): AuthUser => ({ role, sub: `u-${role}`, email: `${role}@x.test`, hotelIds, ver: 1 });
const guest: AuthUser = { role: "guest", sub: "guest:ABC", code: "ABC" };

describe("permission matrix", () => {
	it("covers every permission", () => {
		expect(Object.keys(TABLE).sort()).toEqual([...PERMISSIONS].sort());
	});

	for (const role of ROLES) {
		for (const permission of PERMISSIONS) {
			const allowed = TABLE[permission].includes(role);
			it(`${role} ${allowed ? "may" : "may not"} ${permission}, in scope and out of it`, () => {
				const unscoped = staff(role, ["*"]);
				const scoped = staff(role, ["h1"]);
				expect(hasPermission(unscoped, permission)).toBe(allowed);
				expect(hasPermission(scoped, permission)).toBe(allowed);
				expect(ROLE_PERMISSIONS[role].includes(permission)).toBe(allowed);
				// Unscoped: any hotel; scoped: its own hotel, another one is 404 whatever the permission.
				const check = (u: AuthUser, h: string) => { try { assertHotelAccess(u, permission, h); return 200; } catch (e) { return (e as { code: number }).code; } };
				expect(check(unscoped, "h2")).toBe(allowed ? 200 : 403);
				expect(check(scoped, "h1")).toBe(allowed ? 200 : 403);
				expect(check(scoped, "h2")).toBe(404);
			});
		}
	}

	it("guests and anonymous callers hold no staff permission", () => {
		for (const p of PERMISSIONS) {
			expect(hasPermission(guest, p)).toBe(false);
			expect(hasPermission(null, p)).toBe(false);
			expect(() => assertHotelAccess(guest, p, "h1")).toThrow();
			expect(() => assertHotelAccess(null, p, "h1")).toThrow();
		}
		expect(hotelScope(guest)).toEqual([]);
	});

	it("an internal call (no user at all) passes: the gateway always sets one", () => {
		expect(() => assertHotelAccess(undefined, "hotels.edit", "h1")).not.toThrow();
		expect(listScope(undefined, "reservations.view")).toBeNull();
	});

	it("scopes: ['*'] is every hotel; a list is those hotels", () => {
		expect(hotelScope(staff("manager", ["*"]))).toBeNull();
		expect(hotelScope(staff("manager", ["h1", "h3"]))).toEqual(["h1", "h3"]);
		expect(inScope(staff("front_desk", ["h1"]), "h1")).toBe(true);
		expect(inScope(staff("front_desk", ["h1"]), "h2")).toBe(false);
	});

	it("lists filter to the caller's hotels; a requested hotel out of scope gives nothing, not an error", () => {
		const fd = staff("front_desk", ["h1", "h2"]);
		expect(listScope(fd, "reservations.view")).toEqual(["h1", "h2"]);
		expect(listScope(fd, "reservations.view", "h2")).toEqual(["h2"]);
		expect(listScope(fd, "reservations.view", "h9")).toEqual([]);
		expect(listScope(staff("owner", ["*"]), "reservations.view")).toBeNull();
		expect(() => listScope(staff("revenue", ["h1"]), "mail.manage")).toThrow(/mail.manage/);
	});
});

describe("who manages whom", () => {
	const owner = staff("owner", ["*"]);
	const manager = staff("manager", ["h1"]);
	it("owners manage anyone, owners included", () => {
		expect(canManageStaff(owner, { role: "owner", hotelIds: ["*"] })).toBe(true);
		expect(canManageStaff(owner, { role: "front_desk", hotelIds: ["h7"] })).toBe(true);
	});
	it("managers manage non-owners of their own hotels only, never all hotels", () => {
		expect(canManageStaff(manager, { role: "front_desk", hotelIds: ["h1"] })).toBe(true);
		expect(canManageStaff(manager, { role: "manager", hotelIds: ["h1"] })).toBe(true);
		expect(canManageStaff(manager, { role: "front_desk", hotelIds: ["h1", "h2"] })).toBe(false);
		expect(canManageStaff(manager, { role: "front_desk", hotelIds: ["*"] })).toBe(false);
		expect(canManageStaff(manager, { role: "owner", hotelIds: ["*"] })).toBe(false);
	});
	it("managers see staff sharing one of their hotels; others no one", () => {
		expect(canSeeStaff(manager, { role: "front_desk", hotelIds: ["h1", "h2"] })).toBe(true);
		expect(canSeeStaff(manager, { role: "front_desk", hotelIds: ["h2"] })).toBe(false);
		expect(canSeeStaff(manager, { role: "owner", hotelIds: ["*"] })).toBe(false);
		for (const role of ["revenue", "front_desk"] as const) expect(canManageStaff(staff(role, ["h1"]), { role: "front_desk", hotelIds: ["h1"] })).toBe(false);
	});
});
