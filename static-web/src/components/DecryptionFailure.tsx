import type { SendRefusal } from '../state/e2ee';
import type { DecryptFailureReason } from '../state/e2eeTypes';

export type FailureReason = DecryptFailureReason | 'crypto_unavailable';

/** The one place a failure reason becomes words. Exhaustive: a new reason does not compile until it has copy. */
export function failureCopy(reason: FailureReason): string {
  switch (reason) {
    case 'malformed':
      return 'Unable to decrypt: the message is damaged.';
    case 'unsupported_version':
      return 'Unable to decrypt: sent with a newer version of D3Chat.';
    case 'legacy_protocol':
      return 'Unable to decrypt: sent by an old client without end-to-end encryption.';
    case 'no_session':
      return "Unable to decrypt: no secure session with the sender's device yet.";
    case 'unknown_prekey':
      return 'Unable to decrypt: this device no longer has the key the sender used.';
    case 'untrusted_identity':
      return "Unable to decrypt: the sender's device keys could not be verified.";
    case 'bad_mac':
      return 'Unable to decrypt: the message failed its integrity check.';
    case 'duplicate':
      return 'Unable to decrypt: this message was already received.';
    case 'too_far_ahead':
      return 'Unable to decrypt: too many messages were skipped.';
    case 'unknown_chain':
      return "Unable to decrypt: the sender's key for this conversation has not arrived.";
    case 'wrong_channel':
      return 'Unable to decrypt: the message was moved from another conversation.';
    case 'wrong_sender':
      return 'Unable to decrypt: the message does not come from the device it claims.';
    case 'bad_signature':
      return "Unable to decrypt: the sender's signature does not verify.";
    case 'before_device_joined':
      return 'Sent before this device joined the conversation.';
    case 'not_a_recipient':
      return 'Unable to decrypt: this device was not a recipient.';
    case 'crypto_unavailable':
      return 'Unable to decrypt: this build has no encryption module.';
  }
}

export function DecryptionFailure({ reason }: { reason: FailureReason }) {
  return (
    <p className="decrypt-failure" data-reason={reason}>
      {failureCopy(reason)}
    </p>
  );
}

/** Why nothing was sent, in words. Exhaustive like failureCopy. */
export function sendRefusedCopy(reason: SendRefusal): string {
  switch (reason) {
    case 'no_bundle':
      return 'Not sent: a member has a device without published keys yet. Try again in a moment.';
    case 'untrusted_identity':
      return "Not sent: a member's device keys could not be verified.";
    case 'no_devices':
      return 'Not sent: a member has no device that can receive encrypted messages.';
    case 'not_a_member':
      return 'Not sent: you are no longer a member of this conversation.';
    case 'crypto_unavailable':
      return 'Not sent: this build has no encryption module.';
    case 'encryption_failed':
      return 'Not sent: the message could not be encrypted.';
  }
}
