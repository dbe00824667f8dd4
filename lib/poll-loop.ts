/**
 * A service's background loop (the outbox relay, the mail sender): runs `pass` again at once
 * while it reports more work, otherwise waits `pollMs` — or less, when `wake()` is called (after
 * a commit that added work). A pass that throws is logged at most every 5 s and tried again after
 * the pause. `stop()` lets the pass in progress finish.
 */
export interface PollLoopOptions {
	/** For the log: "Mail sender pass failed: …". */
	name: string;
	pollMs: number;
	/** One pass; true when there is more to do right away. */
	pass: () => Promise<boolean>;
	logger: { warn(...args: unknown[]): void };
}

export class PollLoop {
	private running = true;
	/** A wake-up that came during a pass: skip the next pause. */
	private woken = false;
	private wakeNow: (() => void) | null = null;
	private lastWarn = 0;
	private readonly done: Promise<void>;

	constructor(private readonly opts: PollLoopOptions) {
		this.done = this.run();
	}

	wake(): void {
		this.woken = true;
		this.wakeNow?.();
	}

	async stop(): Promise<void> {
		this.running = false;
		this.wakeNow?.();
		await this.done;
	}

	private pause(ms: number): Promise<void> {
		return new Promise<void>(resolve => {
			if (this.woken) return resolve();
			const timer = setTimeout(() => { this.wakeNow = null; resolve(); }, ms);
			this.wakeNow = () => { clearTimeout(timer); this.wakeNow = null; resolve(); };
		});
	}

	private async run(): Promise<void> {
		while (this.running) {
			let more = false;
			this.woken = false;
			try {
				more = await this.opts.pass();
			} catch (err) {
				if (Date.now() - this.lastWarn > 5_000) {
					this.lastWarn = Date.now();
					this.opts.logger.warn(`${this.opts.name} failed: ${(err as Error).message}`);
				}
			}
			if (this.running && !more) await this.pause(this.opts.pollMs);
		}
	}
}
