/** Thrown inside a poll's claim transaction when the client hung up: it rolls the claim back. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection before the task was handed over');
  }
}
