// What ab -v 2 and up print for each response, in ab's words.

/**
 * ab prints every response's header block from -v 2 on, a warning for a status that is not 2xx
 * from -v 2 on, and the status of each 2xx response from -v 3 on (checked against ab 2.3; higher
 * levels add nothing for responses). `head` is the status line and headers with CRLF line ends.
 */
export function renderResponseLog(status: number, head: string, verbosity: number): string {
  let out = `LOG: header received:\n${head.replaceAll('\r\n', '\n')}\n\n`;
  if (status < 200 || status >= 300) out += `WARNING: Response code not 2xx (${status})\n`;
  else if (verbosity >= 3) out += `LOG: Response code = ${status}\n`;
  return out;
}
