import { PollLoop } from "../../lib/poll-loop";

const quietLogger = () => ({ warn: jest.fn() });

describe("PollLoop", () => {
	it("runs again at once while a pass reports more work, then waits for the poll interval", async () => {
		let passes = 0;
		const loop = new PollLoop({ name: "test", pollMs: 60_000, logger: quietLogger(), pass: async () => ++passes < 3 });
		await new Promise(r => setTimeout(r, 50));
		expect(passes).toBe(3);
		await loop.stop();
		expect(passes).toBe(3);
	});

	it("wake() ends the pause, and a wake-up during a pass skips the next one", async () => {
		let passes = 0;
		// The first pass runs inside the constructor; `loop` is assigned before the second.
		const loop: PollLoop = new PollLoop({ name: "test", pollMs: 60_000, logger: quietLogger(), pass: async () => {
			if (++passes === 2) loop.wake(); // work arrived while this pass ran
			return false;
		} });
		await new Promise(r => setTimeout(r, 20));
		expect(passes).toBe(1);
		loop.wake();
		await new Promise(r => setTimeout(r, 20));
		expect(passes).toBe(3);
		await loop.stop();
	});

	it("logs a failing pass and keeps going", async () => {
		const logger = quietLogger();
		let passes = 0;
		const loop = new PollLoop({ name: "Test pass", pollMs: 5, logger, pass: async () => {
			if (++passes === 1) throw new Error("store away");
			return false;
		} });
		await new Promise(r => setTimeout(r, 50));
		await loop.stop();
		expect(passes).toBeGreaterThan(1);
		expect(logger.warn).toHaveBeenCalledWith("Test pass failed: store away");
	});
});
