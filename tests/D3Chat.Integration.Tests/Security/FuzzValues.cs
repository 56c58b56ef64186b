namespace D3Chat.Integration.Tests.Security;

/// <summary>The fixed lists the fuzz run draws its mutations from (random choices come on top, from the seed).</summary>
public static class FuzzValues
{
    /// <summary>Text a client can send that is hard to store, compare or display: NUL, lone surrogates, direction and zero-width marks, very long.</summary>
    public static readonly IReadOnlyList<(string Name, string Value)> Unicode =
    [
        ("NUL", "a\u0000b"),
        ("lone high surrogate", "x\ud800"),
        ("lone low surrogate", "\udfffx"),
        ("reversed surrogates", "\udc00\ud800"),
        ("RTL override", "\u202efuzz\u202c"),
        ("zero-width marks", "\u200b\u200c\u200d\ufeff"),
        ("combining storm", "e" + new string('\u0301', 4000)),
        ("emoji", "\U0001F600\U0001F4A9"),
        ("noncharacters", "\uffff\ufffe\U0010FFFF"),
        ("C0 and DEL controls", "\u0001\u0008\u001b\u001f\u007f"),
        ("line separators", "\u2028\u2029\u0085"),
        ("fullwidth and dotted i", "\uff46\uff55\u0130\u0131\u00df"),
        ("100k ASCII", new string('a', 100_000)),
        ("60k two-byte", new string('\u00e9', 60_000)),
        ("empty", ""),
        ("whitespace only", " \t\u00a0\u3000"),
    ];

    /// <summary>Strings aimed at SQL, paths, headers, templates and the federation fetcher.</summary>
    public static readonly IReadOnlyList<string> Injection =
    [
        "' OR '1'='1",
        "1; DROP TABLE users; --",
        "admin'--",
        "%' OR 1=1 --",
        "1 UNION SELECT password_hash FROM users--",
        "\\'; SELECT pg_sleep(5); --",
        "../../../../etc/passwd",
        "..\\..\\..\\windows\\win.ini",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "\r\nSet-Cookie: fuzz=1",
        "%0d%0aX-Injected:%201",
        "${jndi:ldap://127.0.0.1:1/a}",
        "<script>alert(1)</script>",
        "{{7*7}}${7*7}",
        "$(id)`id`",
        "%s%s%s%n",
        "{\"$gt\": \"\"}",
        "fuzz@127.0.0.1:1",
        "fuzz@[::1]:1",
        "fuzz@169.254.169.254",
    ];

    /// <summary>Route ids that are not the UUID the route expects (already percent-encoded where needed).</summary>
    public static readonly IReadOnlyList<string> BadIds =
    [
        "not-a-uuid", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "-1", "0", "2147483648",
        "99999999999999999999999999999", "1e309", "%00", "%ED%A0%80", "%C0%80", "..%2F..%2Fetc%2Fpasswd", "%27%20OR%201%3D1--",
        "%0D%0AX-Injected:%201", new string('a', 3000), "%E2%80%AEfdi", "%7B00000000-0000-0000-0000-000000000001%7D",
        "00000000000000000000000000000001", "%20", "null", "true", "%F0%9F%98%80", "..", "%2e%2e",
    ];

    /// <summary>Values for paging and other numeric or date query parameters.</summary>
    public static readonly IReadOnlyList<string> Paging =
    [
        "-1", "0", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e3", "1.5", "abc", "", "%00", "%20%205",
        "0x10", "NaN", "Infinity", "not-a-date", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "10000-01-01", "2026-13-45",
    ];

    /// <summary>JSON values of the wrong type for any field.</summary>
    public static readonly IReadOnlyList<string> WrongTypes =
    [
        "0", "-1", "1.5", "1e309", "-1e309", "9223372036854775808", "-9223372036854775809", "true", "false", "null", "[]", "{}",
        "\"string\"", "\"2147483648\"", "[1,2,3]", "{\"a\":{\"b\":{}}}", new string('9', 5000), "\"00000000-0000-0000-0000-000000000000\"",
    ];

    /// <summary>Bodies that are not JSON, or not the JSON a route reads.</summary>
    public static readonly IReadOnlyList<(string Name, byte[] Bytes)> Malformed = BuildMalformed();

    private static List<(string, byte[])> BuildMalformed()
    {
        static byte[] U(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        return
        [
            ("empty", []), ("open brace", U("{")), ("close brace", U("}")), ("open bracket", U("[")), ("missing value", U("{\"a\":}")),
            ("missing colon", U("{\"a\" 1}")), ("single quotes", U("{'a': 1}")), ("bare key", U("{a: 1}")), ("trailing comma", U("{\"a\":1,}")),
            ("array trailing comma", U("[1,]")), ("nul", U("nul")), ("NaN literal", U("{\"a\":NaN}")), ("Infinity literal", U("{\"a\":Infinity}")),
            ("line comment", U("// c\n{}")), ("block comment", U("/* c */{}")), ("bad escape", U("{\"a\":\"\\x41\"}")), ("short unicode escape", U("{\"a\":\"\\u12\"}")),
            ("top-level string", U("\"just a string\"")), ("top-level number", U("123")), ("top-level array", U("[]")), ("top-level null", U("null")),
            ("depth 100", U(new string('[', 100) + new string(']', 100))), ("depth 100000 unclosed", U(new string('[', 100_000))),
            ("object depth 70", U(string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70))),
            ("two documents", U("{\"a\":1}{\"b\":2}")), ("trailing garbage", U("{\"a\":1} trailing")), ("byte order mark", [0xEF, 0xBB, 0xBF, .. U("{}")]),
            ("UTF-16 body", System.Text.Encoding.Unicode.GetBytes("{\"a\":\"b\"}")), ("invalid UTF-8", [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}']),
            ("overlong NUL in UTF-8", [.. U("{\"a\":\""), 0xC0, 0x80, .. U("\"}")]), ("UTF-8 encoded surrogate", [.. U("{\"a\":\""), 0xED, 0xA0, 0x80, .. U("\"}")]),
            ("raw NUL byte", [.. U("{\"a\":\"x"), 0x00, .. U("\"}")]), ("raw control in string", U("{\"a\":\"x\ty\n\"}")), ("leading zero", U("{\"a\":01}")),
            ("lone minus", U("{\"a\":-}")), ("bare exponent", U("{\"a\":1e}")), ("unterminated string", U("{\"a\":\"unterminated}")),
            ("huge number", U("{\"a\":" + new string('1', 100_000) + "}")), ("escaped NUL key", U("{\"a\\u0000\":1}")), ("escaped lone surrogate key", U("{\"\\ud800\":1}")),
        ];
    }
}
