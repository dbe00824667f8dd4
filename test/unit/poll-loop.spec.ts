import { PollLoop } from "../../lib/poll-loop";
import { settled, waitFor } from "../helpers/wait";

const quietLogger = () => ({ warn: jest.fn() });

describe("PollLoop", () => {
	it("runs again at once while a pass reports more work, then waits for the poll interval", async () => {
		let passes = 0;
		const loop = new PollLoop({ name: "test", pollMs: 60_000, logger: quietLogger(), pass: async () => ++passes < 3 });
		expect(await settled("passes", () => passes, 50)).toBe(3);
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
		expect(await settled("passes", () => passes, 20)).toBe(1);
		loop.wake();
		await waitFor("the woken passes", () => passes === 3);
		expect(await settled("passes", () => passes, 20)).toBe(3);
		await loop.stop();
	});

	it("logs a failing pass and keeps going", async () => {
		const logger = quietLogger();
		let passes = 0;
		const loop = new PollLoop({ name: "Test pass", pollMs: 5, logger, pass: async () => {
			if (++passes === 1) throw new Error("store away");
			return false;
		} });
		await waitFor("a pass after the failure", () => passes > 1);
		await loop.stop();
		expect(logger.warn).toHaveBeenCalledWith("Test pass failed: store away");
	});
});
