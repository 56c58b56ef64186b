using D3Chat.Core.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace D3Chat.Core.Tests.Auth;

public sealed class TokenAndPasswordTests
{
    private static readonly IOptions<AuthOptions> Options = Microsoft.Extensions.Options.Options.Create(new AuthOptions
    {
        JwtSecret = "unit-test-secret-that-is-long-enough-000",
        Argon2MemoryKiB = 1024,
        Argon2Iterations = 1,
    });

    [Fact]
    public void Verify_HashOfSamePassword_IsTrueAndWrongPasswordFalse()
    {
        var hash = new PasswordHasher(Options).Hash("s3cret password");

        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("s3cret password", hash));
        Assert.False(PasswordHasher.Verify("s3cret passwore", hash));
    }

    [Fact]
    public void Hash_SamePasswordTwice_UsesDifferentSalts()
    {
        var hasher = new PasswordHasher(Options);

        Assert.NotEqual(hasher.Hash("same password"), hasher.Hash("same password"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=4$c2FsdA$aGFzaA")]
    [InlineData("$argon2id$v=19$garbage$c2FsdA$aGFzaA")]
    public void Verify_UnreadableHash_IsFalse(string? phc) => Assert.False(PasswordHasher.Verify("anything", phc));

    [Fact]
    public async Task Validate_FreshToken_ReturnsTheUserId()
    {
        var tokens = new AccessTokens(Options, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var userId = Guid.NewGuid();

        Assert.Equal(userId, await tokens.ValidateAsync(tokens.Issue(userId)));
    }

    [Fact]
    public async Task Validate_AfterFifteenMinutes_IsNull()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokens = new AccessTokens(Options, clock);
        var token = tokens.Issue(Guid.NewGuid());

        clock.Advance(TimeSpan.FromMinutes(16));

        Assert.Null(await tokens.ValidateAsync(token));
    }

    [Fact]
    public async Task Validate_TokenVerifiedBefore_StillExpires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokens = new AccessTokens(Options, clock);
        var userId = Guid.NewGuid();
        var token = tokens.Issue(userId);
        Assert.Equal(userId, await tokens.ValidateAsync(token));
        Assert.Equal(userId, await tokens.ValidateAsync(token));

        clock.Advance(TimeSpan.FromMinutes(16));

        Assert.Null(await tokens.ValidateAsync(token));
    }

    [Fact]
    public async Task Validate_ATokenVerifiedBefore_DoesNotVouchForAnAlteredCopy()
    {
        var tokens = new AccessTokens(Options, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var token = tokens.Issue(Guid.NewGuid());
        await tokens.ValidateAsync(token);
        var parts = token.Split('.');
        var altered = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        Assert.Null(await tokens.ValidateAsync(altered));
    }

    [Fact]
    public async Task Validate_TokenSignedWithAnotherSecret_IsNull()
    {
        var other = new AccessTokens(Microsoft.Extensions.Options.Options.Create(new AuthOptions { JwtSecret = "a-different-secret-also-long-enough-0000" }), TimeProvider.System);
        var token = other.Issue(Guid.NewGuid());

        Assert.Null(await new AccessTokens(Options, TimeProvider.System).ValidateAsync(token));
    }

    [Fact]
    public void RefreshToken_Is86UrlSafeCharsAndHashesToLowerHexSha256()
    {
        var token = RefreshTokens.New();

        Assert.Equal(86, token.Length);
        Assert.DoesNotContain(token, c => c is '+' or '/' or '=');
        Assert.Matches("^[0-9a-f]{64}$", RefreshTokens.Hash(token));
    }

    [Fact]
    public void Validate_ShortJwtSecret_IsRejected()
    {
        var options = new AuthOptions { JwtSecret = "too-short" };

        Assert.NotEmpty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
    }
}
