// The error that ends a socket, as both connection kinds (HTTP/1.x and HTTP/2) keep it.

export class SocketError {
  /** The socket layer's code for the first error (ECONNRESET, ...); null while there is none. */
  code: string | null = null;
  /** What to report for `code`, when its layer said more than the code. */
  message: string | null = null;
  /** A write on this socket failed: the requests that fail with it are ab's Write errors too. */
  inWrite = false;

  /** Keeps the first error's code and message (later ones follow from it); any error in a write marks the write. */
  note(code: string, inWrite: boolean, message?: string): void {
    if (inWrite) this.inWrite = true;
    if (this.code !== null) return;
    this.code = code;
    this.message = message ?? null;
  }

  /** A new socket starts with no error. */
  clear(): void {
    this.code = null;
    this.message = null;
    this.inWrite = false;
  }
}
