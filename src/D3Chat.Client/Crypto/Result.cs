namespace D3Chat.Client.Crypto;

/// <summary>Why a message could not be decrypted (docs/crypto.md §7). Each has one wire-stable code, see <see cref="DecryptFailureReasons"/>.</summary>
public enum DecryptFailureReason
{
    Malformed,
    UnsupportedVersion,
    LegacyProtocol,
    NoSession,
    UnknownPrekey,
    UntrustedIdentity,
    BadMac,
    Duplicate,
    TooFarAhead,
    UnknownChain,
    WrongChannel,
    WrongSender,
    BadSignature,
    BeforeDeviceJoined,
    NotARecipient,
}

public static class DecryptFailureReasons
{
    /// <summary>The code shared with the TypeScript module and the UI copy, e.g. <c>too_far_ahead</c>.</summary>
    public static string Code(this DecryptFailureReason reason) => reason switch
    {
        DecryptFailureReason.Malformed => "malformed",
        DecryptFailureReason.UnsupportedVersion => "unsupported_version",
        DecryptFailureReason.LegacyProtocol => "legacy_protocol",
        DecryptFailureReason.NoSession => "no_session",
        DecryptFailureReason.UnknownPrekey => "unknown_prekey",
        DecryptFailureReason.UntrustedIdentity => "untrusted_identity",
        DecryptFailureReason.BadMac => "bad_mac",
        DecryptFailureReason.Duplicate => "duplicate",
        DecryptFailureReason.TooFarAhead => "too_far_ahead",
        DecryptFailureReason.UnknownChain => "unknown_chain",
        DecryptFailureReason.WrongChannel => "wrong_channel",
        DecryptFailureReason.WrongSender => "wrong_sender",
        DecryptFailureReason.BadSignature => "bad_signature",
        DecryptFailureReason.BeforeDeviceJoined => "before_device_joined",
        DecryptFailureReason.NotARecipient => "not_a_recipient",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    public static DecryptFailureReason Parse(string code) =>
        Enum.GetValues<DecryptFailureReason>().FirstOrDefault(r => r.Code() == code, (DecryptFailureReason)(-1)) is var r && Enum.IsDefined(r)
            ? r : throw new ArgumentException($"unknown reason code '{code}'", nameof(code));
}

/// <summary>The outcome of decrypting untrusted input: a value, or a reason. A failure changes no stored state.</summary>
public readonly record struct DecryptResult<T>
{
    private DecryptResult(bool ok, T? value, DecryptFailureReason reason)
    {
        Ok = ok;
        Value = value;
        Reason = reason;
    }

    public bool Ok { get; }

    /// <summary>The decrypted value; only meaningful when <see cref="Ok"/>.</summary>
    public T? Value { get; }

    /// <summary>Why decryption failed; only meaningful when not <see cref="Ok"/>.</summary>
    public DecryptFailureReason Reason { get; }

    public static DecryptResult<T> Success(T value) => new(true, value, default);

    public static DecryptResult<T> Failure(DecryptFailureReason reason) => new(false, default, reason);

    public static implicit operator DecryptResult<T>(DecryptFailureReason reason) => Failure(reason);

    public DecryptResult<TOther> Map<TOther>(Func<T, TOther> map) => Ok ? DecryptResult<TOther>.Success(map(Value!)) : DecryptResult<TOther>.Failure(Reason);

    public override string ToString() => Ok ? "ok" : Reason.Code();
}
