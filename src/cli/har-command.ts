// `gb har FILE.har [--include-static] > journey.ts`: turns a browser's recording into a journey script that replays it.

import { readFile } from 'node:fs/promises';
import { parseHar, selectRequests } from '../har/har-file.js';
import { writeJourney } from '../har/journey-writer.js';
import { EXIT, type CliIo } from './io.js';
import { oneLine, parseSubcommand } from './subcommand.js';

const USAGE = `Usage: gb har FILE.har [--include-static] [--origin URL] > journey.ts
  Prints a journey script (TypeScript, for gb --script FILE --users N) that replays the requests of a
  HAR recording (a browser's DevTools "Save all as HAR", Playwright's recordHar) in the order they
  started, the pauses between them as think time (vu.sleep). Only one origin is replayed, its paths
  relative to the URL the journey runs against; requests elsewhere are left out with a comment.
  Static assets (images, fonts, styles, scripts, media) are left out unless --include-static; the
  pages themselves are kept. Cookies are left to each user's jar, browser headers are dropped, and a
  value the recording got from an earlier response (a token, an id, a redirect's Location) is read
  from the replay's response instead of sent as recorded.
  --include-static  replay static assets as well
  --origin URL      the origin to replay (default: that of the first request that is not static)
  -h, --help        show this help
Exit status: 0 written; 2 bad input (no such file, not a HAR file, nothing left to replay).
`;

export async function harCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseSubcommand('har', args, { 'include-static': { type: 'boolean' }, origin: { type: 'string' } }, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    io.err.write(`gb: har needs exactly one HAR file, got ${parsed.positionals.length} (see 'gb har -h')\n`);
    return EXIT.usage;
  }
  let origin: string | undefined;
  if (parsed.values.origin !== undefined) {
    const url = URL.canParse(parsed.values.origin) ? new URL(parsed.values.origin) : null;
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      io.err.write(`gb: har --origin wants an http:// or https:// URL, got '${oneLine(parsed.values.origin)}'\n`);
      return EXIT.usage;
    }
    origin = url.origin;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : String(e);
    io.err.write(`gb: cannot read ${file}: ${code}\n`);
    return EXIT.usage;
  }
  const recording = parseHar(text);
  if (!recording.ok) {
    io.err.write(`gb: ${file}: ${oneLine(recording.error)}\n`);
    return EXIT.usage;
  }
  const selection = selectRequests(recording.value, {
    includeStatic: parsed.values['include-static'] === true,
    ...(origin === undefined ? {} : { origin }),
  });
  if (!selection.ok) {
    io.err.write(`gb: ${file}: ${oneLine(selection.error)}\n`);
    return EXIT.usage;
  }
  const journey = writeJourney(recording.value, selection.value, { file });
  io.out.write(journey.source);
  const left = recording.value.requests.length - selection.value.replayed.length;
  io.err.write(
    `gb: har: ${selection.value.replayed.length} requests to ${selection.value.origin} replayed, ${left} left out, ` +
      `${journey.correlated} values read from earlier responses\n`,
  );
  return EXIT.ok;
}
