import { busyCores, check, plan, sharedMachineBookingsPerSecond, bookingMachineUs, DEFAULT_ASSUMPTIONS, FIGURES, MEASURED_S5, type Figure, type Target, type Workload } from "../../scripts/capacity-model";

const none: Target = { bookingsPerSecond: 0, availabilityPerSecond: 0, searchPerSecond: 0, streams: 0, eventsPerStreamPerSecond: 0 };

const figures: Record<Workload, Figure> = {
	booking: { perProcessUs: { reservations: 1000, postgresql: 2000 }, source: "test", split: "measured" },
	availability: { perProcessUs: { gateway: 500, postgresql: 500 }, source: "test", split: "measured" },
	search: { perProcessUs: null, source: "test", split: "missing", measureWith: "x" },
	streamEvent: { perProcessUs: { gateway: 100 }, source: "test", split: "measured" },
};

describe("capacity model", () => {
	it("sums rate × µs per request into busy cores per process kind", () => {
		const { cores, notCounted } = busyCores({ ...none, bookingsPerSecond: 1000, availabilityPerSecond: 2000, streams: 100, eventsPerStreamPerSecond: 10 }, figures);
		expect(cores.reservations).toBeCloseTo(1);
		expect(cores.postgresql).toBeCloseTo(2 + 1);
		expect(cores.gateway).toBeCloseTo(1 + 0.1);
		expect(cores.mail).toBe(0);
		expect(notCounted).toEqual([]);
	});

	it("names a workload with no figure instead of counting it as free", () => {
		expect(busyCores({ ...none, searchPerSecond: 50 }, figures).notCounted).toEqual(["search"]);
		expect(busyCores({ ...none, searchPerSecond: 0 }, figures).notCounted).toEqual([]);
	});

	it("divides by the utilisation ceiling and rounds nodes up, never below the minimum", () => {
		const p = plan({ ...none, bookingsPerSecond: 2800 }, { utilisationCeiling: 0.7, coresPerNode: 4, minNodes: { reservations: 2, rabbitmq: 3 } }, figures);
		const by = Object.fromEntries(p.needs.map(n => [n.kind, n]));
		expect(by.reservations.busyCores).toBeCloseTo(2.8);
		expect(by.reservations.cores).toBeCloseTo(4);
		expect(by.reservations.nodes).toBe(2); // exactly one node's worth, but the minimum is 2
		expect(by.postgresql.cores).toBeCloseTo(8);
		expect(by.postgresql.nodes).toBe(2); // exactly 2 nodes: no rounding past an exact fit
		expect(by.rabbitmq.nodes).toBe(3); // idle, but a quorum needs 3
		expect(by.mail.nodes).toBe(1); // no minimum given: 1
		expect(p.totalCores).toBeCloseTo(12);
		expect(p.totalNodes).toBe(p.needs.reduce((a, n) => a + n.nodes, 0));
		const more = plan({ ...none, bookingsPerSecond: 2801 }, { utilisationCeiling: 0.7, coresPerNode: 4, minNodes: {} }, figures);
		expect(more.needs.find(n => n.kind === "postgresql")!.nodes).toBe(3);
	});

	it("counts only availability and search reads as replica-eligible PostgreSQL work", () => {
		const p = plan({ ...none, bookingsPerSecond: 700, availabilityPerSecond: 1400 }, { ...DEFAULT_ASSUMPTIONS, utilisationCeiling: 0.7 }, figures);
		expect(p.replicaPgCores).toBeCloseTo(1400 * 500 / 1e6 / 0.7);
		expect(p.needs.find(n => n.kind === "postgresql")!.cores).toBeCloseTo((1.4 + 0.7) / 0.7);
	});

	it("refuses a ceiling outside (0, 1] and non-positive cores per node", () => {
		expect(() => plan(none, { ...DEFAULT_ASSUMPTIONS, utilisationCeiling: 0 })).toThrow(/ceiling/);
		expect(() => plan(none, { ...DEFAULT_ASSUMPTIONS, utilisationCeiling: 1.5 })).toThrow(/ceiling/);
		expect(() => plan(none, { ...DEFAULT_ASSUMPTIONS, coresPerNode: 0 })).toThrow(/cores per node/);
	});

	it("a shared machine's bookings/s is its cores over the CPU one booking costs", () => {
		expect(sharedMachineBookingsPerSecond(2, 4000)).toBeCloseTo(500);
		expect(bookingMachineUs(figures)).toBe(3000);
	});

	it("--check predicts the same figure for 1 and 2 reservations nodes and reports the missing point", () => {
		const lines = check({ ...MEASURED_S5, loadGeneratorUs: 0, twoReservationsNodes: null, oneReservationsNode: { us: 3000, perSecond: 600, source: "t" } }, figures);
		expect(lines).toHaveLength(2);
		expect(lines[0].predicted).toBeCloseTo(2e6 / 3000);
		expect(lines[0].errorPct).toBeCloseTo((2e6 / 3000 - 600) / 600 * 100);
		expect(lines[1].predicted).toBe(lines[0].predicted);
		expect(lines[1].measured).toBeNull();
		expect(lines[1].note).toContain("BENCH_TOPOLOGY=api:1,hotels:1,reservations:2,mail:1,accounts:1,webhooks:1 npm run bench -- --only=S5");
	});

	it("the shipped table has a figure for bookings and says where each figure comes from", () => {
		expect(bookingMachineUs()).toBeGreaterThan(0);
		for (const f of Object.values(FIGURES)) {
			expect(f.source.length).toBeGreaterThan(0);
			if (f.split !== "measured") expect(f.measureWith).toBeTruthy();
		}
	});
});
