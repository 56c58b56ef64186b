using D3Chat.Core.Attachments;
using D3Chat.Core.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace D3Chat.Core.Tests.Attachments;

public sealed class AttachmentLinksTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    private AttachmentLinks Links(string secret = "unit-test-secret-unit-test-secret-0123") =>
        new(Options.Create(new AuthOptions { JwtSecret = secret }), _time);

    [Fact]
    public void Validate_FreshTokenForThatAttachment_ReturnsTheUser()
    {
        var (attachment, user) = (Guid.NewGuid(), Guid.NewGuid());
        var (token, expiresAt) = Links().Issue(attachment, user);

        Assert.Equal(user, Links().Validate(token, attachment));
        Assert.Equal(_time.GetUtcNow() + AttachmentLinks.Lifetime, expiresAt);
    }

    [Fact]
    public void Validate_ExpiredOtherAttachmentTamperedOrOtherKey_ReturnsNull()
    {
        var attachment = Guid.NewGuid();
        var (token, _) = Links().Issue(attachment, Guid.NewGuid());
        var tampered = (token[0] == 'A' ? "B" : "A") + token[1..];

        Assert.Null(Links().Validate(token, Guid.NewGuid()));
        Assert.Null(Links().Validate(tampered, attachment));
        Assert.Null(Links("another-secret-another-secret-0123456").Validate(token, attachment));
        Assert.Null(Links().Validate("not-a-token", attachment));
        Assert.Null(Links().Validate(null, attachment));
        _time.Advance(AttachmentLinks.Lifetime);
        Assert.Null(Links().Validate(token, attachment));
    }
}
