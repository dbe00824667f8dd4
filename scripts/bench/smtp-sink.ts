/**
 * An SMTP server that accepts every message and throws it away: the mail node's SMTP_URL during
 * the bench (S7 measures up to the mail log's sent_at, which is written after the server's 250).
 */
import { SMTPServer } from "smtp-server";

const port = Number(process.argv[2] || 2525);
let count = 0;
const server = new SMTPServer({
	authOptional: true,
	disabledCommands: ["STARTTLS", "AUTH"],
	logger: false,
	size: 10 * 1024 * 1024,
	onData(stream, _session, callback) {
		stream.on("data", () => undefined);
		stream.on("end", () => {
			count++;
			callback();
		});
	},
});
server.listen(port, "127.0.0.1", () => process.send?.({ ready: true }));
process.on("SIGTERM", () => {
	console.log(`smtp-sink: ${count} messages`);
	server.close(() => process.exit(0));
});
