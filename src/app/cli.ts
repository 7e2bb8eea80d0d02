#!/usr/bin/env node
/** The `socbot` bin: runs main and maps its result to the exit status. */
import { errorMessage } from '../core/errors.js';
import { redactText } from '../lib/redact.js';
import { main } from './main.js';

// Last line of defence: whatever escapes is logged redacted, never printed raw (it may carry the token).
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`${redactText(`unhandled rejection: ${errorMessage(reason)}`)}\n`);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Let winston flush; sockets are closed by then, so the process ends on its own.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    process.stderr.write(`${redactText(errorMessage(error))}\n`);
    process.exit(1);
  },
);
