using System.Text.Json;
using D3Chat.Core.Admin;
using D3Chat.Core.Auth;
using D3Chat.Core.Bootstrap;
using D3Chat.Core.Http;
using D3Chat.Core.PublicConfig;
using D3Chat.Core.Users;

namespace D3Chat.Core.Tests.Accounts;

public sealed class AccountRulesTests
{
    private static readonly JsonSerializerOptions Json = ApiResults.Json;

    [Fact]
    public void RefreshToken_Is86UrlSafeCharsAndHashIsLowerHexSha256()
    {
        var token = RefreshTokens.New();
        var hash = RefreshTokens.Hash(token);

        Assert.Equal(86, token.Length);
        Assert.DoesNotContain('=', token);
        Assert.DoesNotContain('+', token);
        Assert.DoesNotContain('/', token);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, RefreshTokens.Hash(token));
        Assert.NotEqual(token, RefreshTokens.New());
    }

    [Fact]
    public void RefreshTokenHash_KnownVector() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", RefreshTokens.Hash("abc"));

    [Fact]
    public void UpdateProfileRequest_TracksWhichKeysWerePresent()
    {
        var request = JsonSerializer.Deserialize<UpdateProfileRequest>("""{"display_name":null,"bio":"b"}""", Json)!;

        Assert.True(request.HasDisplayName);
        Assert.Null(request.DisplayName);
        Assert.True(request.HasBio);
        Assert.False(request.HasEmail);
        Assert.False(request.HasStatusMessage);
    }

    [Theory]
    [InlineData("""{"preferences":[1]}""", false)]
    [InlineData("""{"preferences":{"a":1}}""", true)]
    [InlineData("""{"username":"ab"}""", false)]
    [InlineData("""{"username":"good_name"}""", true)]
    public void UpdateProfileRequest_Validates(string json, bool valid)
    {
        var validator = new Validator();
        JsonSerializer.Deserialize<UpdateProfileRequest>(json, Json)!.Validate(validator);

        Assert.Equal(valid, validator.IsValid);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(8760, true)]
    [InlineData(8761, false)]
    public void SuspendRequest_HoursMustBe1To8760(int? hours, bool valid)
    {
        var validator = new Validator();
        new SuspendRequest(hours, null).Validate(validator);

        Assert.Equal(valid, validator.IsValid);
    }

    [Theory]
    [InlineData("user", true)]
    [InlineData("superadmin", true)]
    [InlineData("owner", false)]
    [InlineData("Admin", false)]
    public void PromoteRequest_RoleMustBeAServerRole(string role, bool valid)
    {
        var validator = new Validator();
        new PromoteRequest(role).Validate(validator);

        Assert.Equal(valid, validator.IsValid);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("root", "long enough pw", true)]
    [InlineData("root", null, false)]
    [InlineData(null, "long enough pw", false)]
    [InlineData("root", "short", false)]
    [InlineData("bad name", "long enough pw", false)]
    public void BootstrapOptions_BothOrNeitherAndValid(string? username, string? password, bool valid)
    {
        var results = new BootstrapOptions { AdminUsername = username, AdminPassword = password }
            .Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object()));

        Assert.Equal(valid, !results.Any());
    }

    [Theory]
    [InlineData("""{"value":"d3"}""", "d3")]
    [InlineData("""{"value":""}""", null)]
    [InlineData("""{"value":0}""", null)]
    [InlineData("""{"value":7}""", "7")]
    [InlineData("""{"value":false}""", null)]
    [InlineData("""{"other":"x"}""", null)]
    [InlineData(null, null)]
    public void PublicConfigValue_TakesTruthyInnerValues(string? stored, string? expected)
    {
        var values = new Dictionary<string, string?> { ["k"] = stored };

        Assert.Equal(expected, PublicConfigService.Value(values, "k"));
    }

    [Fact]
    public void Standing_LapsedSuspension_IsInGoodStanding()
    {
        var now = DateTimeOffset.UtcNow;
        var user = new User { Id = Guid.NewGuid(), Username = "u", ServerDomain = "d", IsSuspended = true, SuspendedUntil = now.UtcDateTime.AddMinutes(-1) };

        Assert.Null(AuthGate.Standing(user, now));
        Assert.Equal(403, AuthGate.Standing(user with { SuspendedUntil = now.UtcDateTime.AddMinutes(1) }, now)!.Status);
        Assert.Equal("Account has been banned", AuthGate.Standing(user with { IsBanned = true }, now)!.Detail);
    }

    [Fact]
    public void LikePattern_EscapesWildcards() =>
        Assert.Equal("%a\\_b\\%c\\\\%", AdminPaging.LikePattern("a_b%c\\"));
}
