export interface SafetyNumberProps {
  contact: string;
  digits: string | null;
  changed: boolean;
  error: string | null;
  onAccept: () => void;
}

/** 60 digits as 12 groups of 5; a change since last time is a warning the user must acknowledge. */
export function SafetyNumber({ contact, digits, changed, error, onAccept }: SafetyNumberProps) {
  if (error !== null) return <p role="alert" className="error">{error}</p>;
  if (digits === null) return <p role="status">Computing the safety number…</p>;
  // The module may hand the digits already spaced; group them here, once, from the bare digits.
  const groups = digits.replace(/\s/g, '').match(/.{1,5}/g) ?? [];
  return (
    <div>
      {changed && (
        <div role="alert" className="banner banner-warning">
          <strong>The safety number with {contact} has changed.</strong> They may have a new device, or someone may be
          intercepting. Compare it again before trusting this conversation.
          <button type="button" onClick={onAccept}>
            I have verified the new number
          </button>
        </div>
      )}
      <p>Compare these numbers with {contact} in person or over a call you trust. If they match, the conversation is end-to-end encrypted with their devices.</p>
      <div className="safety-digits" role="group" aria-label="Safety number">
        {groups.map((g, i) => (
          <span key={i}>{g}</span>
        ))}
      </div>
    </div>
  );
}
