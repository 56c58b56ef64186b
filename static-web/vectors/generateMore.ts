// Vector files published after the first batch (session, ratchet, safety, attachments, envelopes).
export async function moreVectorFiles(): Promise<void> {}
