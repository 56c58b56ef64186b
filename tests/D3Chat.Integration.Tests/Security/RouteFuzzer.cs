using System.Text;
using System.Text.Json.Nodes;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// Generates the fuzz run's cases from the route table: for every operation bad route ids, bad
/// paging and query values, oversize headers and URLs, missing and bad credentials, and unexpected
/// bodies; for every operation that reads a JSON body malformed JSON, wrong types, missing and
/// extra fields, Unicode edge cases, injection strings and oversize bodies; for uploads bad
/// multipart. Random mutations of the valid request, drawn from one <see cref="Random"/> with a
/// fixed seed, fill the run up to <c>minimum</c> cases.
/// </summary>
public sealed class RouteFuzzer(int seed)
{
    private readonly Random _random = new(seed);

    public const int JsonLimit = 1024 * 1024;

    public IReadOnlyList<FuzzCase> Generate(IReadOnlyList<RouteOperation> operations, int minimum)
    {
        var cases = new List<FuzzCase>();
        foreach (var op in operations)
        {
            cases.AddRange(PathCases(op));
            cases.AddRange(QueryCases(op));
            cases.AddRange(HeaderCases(op));
            cases.AddRange(CredentialCases(op));
            if (FuzzSeeds.Multipart.Contains(op.OperationId))
            {
                cases.AddRange(MultipartCases(op));
            }
            else if (op.HasBodyMethod && !FuzzSeeds.Bodiless.Contains(op.OperationId))
            {
                cases.AddRange(JsonCases(op));
            }
            else
            {
                cases.AddRange(UnexpectedBodyCases(op));
            }
        }
        // Random mutations, round-robin over the operations, until the minimum is reached.
        for (var i = 0; cases.Count < minimum; i++)
        {
            cases.Add(RandomCase(operations[i % operations.Count]));
        }
        return cases;
    }

    // ---- route ids ----

    private IEnumerable<FuzzCase> PathCases(RouteOperation op)
    {
        foreach (var parameter in op.PathParameters)
        {
            foreach (var bad in FuzzValues.BadIds)
            {
                yield return Case(op, "bad path id", $"{parameter}={Short(bad)}", w => Plain(op, w, path: Path(op, w, (parameter, bad))));
            }
        }
        if (op.PathParameters.Count > 0)
        {
            yield return Case(op, "bad path id", "random UUID", w => Plain(op, w, path: Path(op, w, (op.PathParameters[0], Guid.NewGuid().ToString()))));
            yield return Case(op, "bad path id", "extra segment", w => Plain(op, w, path: Path(op, w) + "/extra"));
        }
    }

    // ---- query ----

    private IEnumerable<FuzzCase> QueryCases(RouteOperation op)
    {
        var names = FuzzSeeds.Query(op.OperationId, FuzzWorld.Placeholder()).Keys.ToList();
        if (op.Method == "GET" && names.Count == 0)
        {
            // A route that reads no query must ignore paging it does not know.
            foreach (var value in FuzzValues.Paging)
            {
                yield return Case(op, "bad paging or query value", $"page={Short(value)}", w => Plain(op, w, query: ("page", value)));
            }
        }
        foreach (var name in names)
        {
            foreach (var value in FuzzValues.Paging)
            {
                yield return Case(op, "bad paging or query value", $"{name}={Short(value)}", w => Plain(op, w, query: (name, value)));
            }
            foreach (var value in FuzzValues.Injection)
            {
                yield return Case(op, "injection string", $"query {name}={Short(value)}", w => Plain(op, w, query: (name, Uri.EscapeDataString(value))));
            }
            foreach (var (what, value) in FuzzValues.Unicode)
            {
                yield return Case(op, "unicode edge case", $"query {name}: {what}", w => Plain(op, w, query: (name, EscapeUtf16(value))));
            }
            yield return Case(op, "bad paging or query value", $"{name} repeated", w => Plain(op, w, query: (name, "1&" + name + "=2")));
        }
    }

    // ---- headers and URL size ----

    private IEnumerable<FuzzCase> HeaderCases(RouteOperation op)
    {
        (string What, (string, string)[] Headers)[] variants =
        [
            ("8 kB header", [("X-Fuzz", new string('a', 8_000))]),
            ("24 kB header", [("X-Fuzz", new string('a', 24_000))]),
            ("40 kB header", [("X-Fuzz", new string('a', 40_000))]),
            ("150 headers of 300 B", Enumerable.Range(0, 150).Select(i => ($"X-Fuzz-{i}", new string('b', 300))).ToArray()),
            ("forwarded-for garbage", [("X-Forwarded-For", "999.999.999.999, ::1, ' OR 1=1--, " + new string('1', 2000))]),
            ("forwarded-for unicode", [("X-Forwarded-For", "\u202e1.2.3.4")]),
            ("idempotency key 4 kB", [("Idempotency-Key", new string('k', 4_000))]),
            ("idempotency key unicode", [("Idempotency-Key", "\u202e\u200b\U0001F600")]),
            ("content-type garbage", [("X-Content-Type", "x")]),
            ("accept garbage", [("Accept", "*/*;q=NaN, " + new string(';', 500))]),
        ];
        foreach (var (what, headers) in variants)
        {
            yield return Case(op, "oversize or odd header", what, w => Plain(op, w) with { Headers = headers });
        }
        yield return Case(op, "oversize or odd header", "7 kB query string", w => Plain(op, w, query: ("x", new string('q', 7_000))));
        yield return Case(op, "oversize or odd header", "20 kB query string", w => Plain(op, w, query: ("x", new string('q', 20_000))));
        yield return Case(op, "injection string", "CRLF in path", w => Plain(op, w, path: Path(op, w) + "%0D%0ASet-Cookie:%20fuzz=1"));
    }

    // ---- credentials ----

    private IEnumerable<FuzzCase> CredentialCases(RouteOperation op)
    {
        string[] bad = ["Bearer", "Bearer ", "Bearer garbage", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "Basic YTpi", "Bearer ' OR 1=1--",
            "Bearer " + new string('a', 10_000)];
        foreach (var authorization in bad)
        {
            yield return Case(op, "bad credentials", $"Authorization: {Short(authorization)}", w => Plain(op, w) with { Authorization = authorization });
        }
        yield return Case(op, "bad credentials", "token with a flipped character",
            w => Plain(op, w) with { Authorization = "Bearer " + Flip(w.Owner.Client.AccessToken!) });
        yield return Case(op, "bad credentials", "refresh token as bearer", w => Plain(op, w) with { Authorization = "Bearer " + w.Owner.Tokens.RefreshToken });
        yield return Case(op, "bad credentials", "member (not admin, not owner)", w => Plain(op, w) with { Authorization = "Bearer " + w.Member.Client.AccessToken });
        yield return new FuzzCase(op, "bad credentials", "anonymous", FuzzCaller.Anonymous, w => Plain(op, w));
    }

    // ---- JSON bodies ----

    private IEnumerable<FuzzCase> JsonCases(RouteOperation op)
    {
        var fields = FuzzSeeds.Body(op.OperationId, FuzzWorld.Placeholder())!.Select(f => f.Key).ToList();
        foreach (var (what, bytes) in FuzzValues.Malformed)
        {
            yield return Case(op, "malformed JSON", what, w => Plain(op, w, FuzzContent.Bytes(bytes)));
        }
        for (var i = 0; i < 4; i++)
        {
            var fraction = _random.NextDouble();
            yield return Case(op, "malformed JSON", $"truncated at {fraction:P0}", w =>
            {
                var json = Seed(op, w).ToJsonString();
                return Plain(op, w, FuzzContent.Text(json[..(int)(json.Length * fraction)]));
            });
        }
        yield return Case(op, "malformed JSON", "text/plain content type", w => Plain(op, w, FuzzContent.Text(Seed(op, w).ToJsonString(), "text/plain")));
        yield return Case(op, "malformed JSON", "no content type", w => Plain(op, w, FuzzContent.Text(Seed(op, w).ToJsonString(), null)));
        yield return Case(op, "malformed JSON", "UTF-16 charset declared", w => Plain(op, w, FuzzContent.Text(Seed(op, w).ToJsonString(), "application/json; charset=utf-16")));
        yield return Case(op, "missing field", "no body", w => Plain(op, w));
        yield return Case(op, "missing field", "empty object", w => Plain(op, w, FuzzContent.Text("{}")));
        foreach (var field in fields)
        {
            yield return Case(op, "missing field", field, w =>
            {
                var body = Seed(op, w);
                body.Remove(field);
                return Plain(op, w, FuzzContent.Text(body.ToJsonString()));
            });
            foreach (var value in FuzzValues.WrongTypes)
            {
                yield return Case(op, "wrong type", $"{field}={Short(value)}", w => Plain(op, w, FuzzContent.Text(WithRaw(Seed(op, w), field, value))));
            }
            foreach (var (what, value) in FuzzValues.Unicode)
            {
                yield return Case(op, "unicode edge case", $"{field}: {what}", w => Plain(op, w, FuzzContent.Text(WithRaw(Seed(op, w), field, JsonLiteral(value)))));
            }
            foreach (var value in FuzzValues.Injection)
            {
                yield return Case(op, "injection string", $"{field}={Short(value)}", w => Plain(op, w, FuzzContent.Text(WithRaw(Seed(op, w), field, JsonLiteral(value)))));
            }
            yield return Case(op, "oversize body", $"{field}: 200,000 characters", w => Plain(op, w, FuzzContent.Text(WithRaw(Seed(op, w), field, JsonLiteral(new string('x', 200_000))))));
            yield return Case(op, "missing field", $"{field} duplicated", w =>
            {
                var json = Seed(op, w).ToJsonString();
                return Plain(op, w, FuzzContent.Text($"{{\"{field}\":null,{json[1..]}"));
            });
        }
        (string What, string Json)[] extras =
        [
            ("is_admin", "\"is_admin\":true"), ("role superadmin", "\"role\":\"superadmin\""), ("id", $"\"id\":\"{Guid.NewGuid()}\""),
            ("__proto__", "\"__proto__\":{\"admin\":true}"), ("empty key", "\"\":\"\""), ("camelCase twin", "\"displayName\":\"x\",\"userId\":\"x\""),
            ("500 keys", string.Join(',', Enumerable.Range(0, 500).Select(i => $"\"k{i}\":{i}"))), ("deep value", "\"deep\":" + new string('[', 60) + new string(']', 60)),
        ];
        foreach (var (what, json) in extras)
        {
            yield return Case(op, "extra field", what, w => Plain(op, w, FuzzContent.Text($"{{{json},{Seed(op, w).ToJsonString()[1..]}")));
        }
        yield return Case(op, "oversize body", "1 MiB + 1 byte, Content-Length", w => Plain(op, w, FuzzContent.Text(Padded(Seed(op, w), JsonLimit + 1))));
        yield return Case(op, "oversize body", "1 MiB + 1 byte, chunked", w => Plain(op, w, FuzzContent.Text(Padded(Seed(op, w), JsonLimit + 1), chunked: true)));
        yield return Case(op, "oversize body", "4 MiB, chunked", w => Plain(op, w, FuzzContent.Text(Padded(Seed(op, w), 4 * JsonLimit), chunked: true)));
        yield return Case(op, "oversize body", "exactly 1 MiB", w => Plain(op, w, FuzzContent.Text(Padded(Seed(op, w), JsonLimit))));
        yield return Case(op, "oversize body", "valid body, chunked", w => Plain(op, w, FuzzContent.Text(Seed(op, w).ToJsonString(), chunked: true)));
    }

    // ---- routes without a JSON body ----

    private IEnumerable<FuzzCase> UnexpectedBodyCases(RouteOperation op)
    {
        yield return Case(op, "malformed JSON", "unexpected malformed body", w => Plain(op, w, FuzzContent.Text("{\"a\":")));
        yield return Case(op, "malformed JSON", "unexpected NUL body", w => Plain(op, w, FuzzContent.Text("{\"a\":\"\\u0000\"}")));
        yield return Case(op, "oversize body", "unexpected 2 MiB body, chunked", w => Plain(op, w, FuzzContent.Bytes(new byte[2 * JsonLimit], chunked: true)));
    }

    // ---- multipart ----

    private IEnumerable<FuzzCase> MultipartCases(RouteOperation op)
    {
        var png = SeedRequests.Png;
        static byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        static byte[] Part(string boundary, string headers, byte[] content, bool close = true) => SeedRequests.Part(boundary, headers, content, close);
        const string b = SeedRequests.Boundary;
        const string fileHeaders = SeedRequests.FileHeaders;
        (string What, string ContentType, byte[] Body, bool Chunked)[] variants =
        [
            ("no boundary", "multipart/form-data", Part(b, fileHeaders, png), false),
            ("wrong boundary", "multipart/form-data; boundary=other", Part(b, fileHeaders, png), false),
            ("empty boundary", "multipart/form-data; boundary=", Part(b, fileHeaders, png), false),
            ("boundary of 200 characters", $"multipart/form-data; boundary={new string('z', 200)}", Part(new string('z', 200), fileHeaders, png), false),
            ("unterminated", $"multipart/form-data; boundary={b}", Part(b, fileHeaders, png, close: false), false),
            ("truncated part headers", $"multipart/form-data; boundary={b}", U($"--{b}\r\nContent-Disposition: form-data; na"), false),
            ("no file part", $"multipart/form-data; boundary={b}", Part(b, "Content-Disposition: form-data; name=\"other\"", U("x")), false),
            ("part without disposition", $"multipart/form-data; boundary={b}", Part(b, "Content-Type: image/png", png), false),
            ("empty file", $"multipart/form-data; boundary={b}", Part(b, fileHeaders, []), false),
            ("path traversal file name", $"multipart/form-data; boundary={b}", Part(b, "Content-Disposition: form-data; name=\"file\"; filename=\"../../../etc/passwd\"\r\nContent-Type: image/png", png), false),
            ("NUL in file name", $"multipart/form-data; boundary={b}", Part(b, "Content-Disposition: form-data; name=\"file\"; filename=\"a\u0000.png\"\r\nContent-Type: image/png", png), false),
            ("encoded NUL and RTL file name", $"multipart/form-data; boundary={b}", Part(b, "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''a%00%E2%80%AEgnp.exe\r\nContent-Type: image/png", png), false),
            ("lone surrogate in file name", $"multipart/form-data; boundary={b}", Part(b, "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%ED%A0%80.png\r\nContent-Type: image/png", png), false),
            ("100 kB part header", $"multipart/form-data; boundary={b}", Part(b, fileHeaders + "\r\nX-Long: " + new string('h', 100_000), png), false),
            ("3000 parts", $"multipart/form-data; boundary={b}", [.. Enumerable.Range(0, 3000).SelectMany(i => U($"--{b}\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nx\r\n")), .. U($"--{b}--\r\n")], false),
            ("declared image, text bytes", $"multipart/form-data; boundary={b}", Part(b, fileHeaders, U("not an image at all")), false),
            ("garbage part content type", $"multipart/form-data; boundary={b}", Part(b, "Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: ;;;/=", png), false),
            ("two file parts", $"multipart/form-data; boundary={b}", [.. Part(b, fileHeaders, png, close: false), .. Part(b, fileHeaders, png)], false),
            ("nested multipart", $"multipart/form-data; boundary={b}", Part(b, "Content-Disposition: form-data; name=\"file\"\r\nContent-Type: multipart/mixed; boundary=inner", Part("inner", fileHeaders, png)), false),
            ("multipart/mixed", $"multipart/mixed; boundary={b}", Part(b, fileHeaders, png), false),
            ("url-encoded form", "application/x-www-form-urlencoded", U("file=abc&x=%00"), false),
            ("url-encoded form, 12 MB chunked", "application/x-www-form-urlencoded", U("file=" + new string('a', 12 * JsonLimit)), true),
            ("text/plain", "text/plain", png, false),
            ("valid upload", $"multipart/form-data; boundary={b}", Part(b, fileHeaders, png), false),
            ("valid upload, chunked", $"multipart/form-data; boundary={b}", Part(b, fileHeaders, png), true),
            ("12 MB file, Content-Length", $"multipart/form-data; boundary={b}", Part(b, fileHeaders, new byte[12 * JsonLimit]), false),
            ("12 MB file, chunked", $"multipart/form-data; boundary={b}", Part(b, fileHeaders, new byte[12 * JsonLimit]), true),
            ("3 MB file, chunked", $"multipart/form-data; boundary={b}", Part(b, fileHeaders, new byte[3 * JsonLimit]), true),
        ];
        foreach (var (what, contentType, body, chunked) in variants)
        {
            yield return Case(op, "bad multipart", what, w => Plain(op, w, FuzzContent.Bytes(body, contentType, chunked)));
        }
    }

    // ---- random fill ----

    private FuzzCase RandomCase(RouteOperation op)
    {
        var kind = _random.Next(3);
        var hasJson = op.HasBodyMethod && !FuzzSeeds.Bodiless.Contains(op.OperationId) && !FuzzSeeds.Multipart.Contains(op.OperationId);
        if (kind == 0 && op.PathParameters.Count > 0)
        {
            var parameter = op.PathParameters[_random.Next(op.PathParameters.Count)];
            var junk = RandomText(_random.Next(1, 60));
            return Case(op, "random mutation", $"random {parameter} ({junk.Length} chars)", w => Plain(op, w, path: Path(op, w, (parameter, Uri.EscapeDataString(junk)))));
        }
        if (kind == 1 && hasJson)
        {
            var positions = Enumerable.Range(0, _random.Next(1, 6)).Select(_ => (At: _random.NextDouble(), Byte: (byte)_random.Next(256), Op: _random.Next(3))).ToList();
            return Case(op, "random mutation", $"{positions.Count} byte edits of the valid body", w =>
            {
                var bytes = Encoding.UTF8.GetBytes(Seed(op, w).ToJsonString()).ToList();
                foreach (var (at, value, edit) in positions)
                {
                    var index = Math.Min(bytes.Count - 1, (int)(at * bytes.Count));
                    switch (edit)
                    {
                        case 0: bytes[index] = value; break;
                        case 1: bytes.Insert(index, value); break;
                        default: bytes.RemoveAt(index); break;
                    }
                }
                return Plain(op, w, FuzzContent.Bytes([.. bytes]));
            });
        }
        if (kind == 2 && hasJson)
        {
            var fields = FuzzSeeds.Body(op.OperationId, FuzzWorld.Placeholder())!.Select(f => f.Key).ToList();
            var field = fields[_random.Next(fields.Count)];
            var text = RandomText(_random.Next(0, 300));
            return Case(op, "random mutation", $"{field}: random text of {text.Length} chars", w => Plain(op, w, FuzzContent.Text(WithRaw(Seed(op, w), field, JsonLiteral(text)))));
        }
        var name = new[] { "page", "page_size", "limit", "q", "identity", "username", "days", "before" }[_random.Next(8)];
        var junkValue = RandomText(_random.Next(0, 40));
        return Case(op, "random mutation", $"query {name} random ({junkValue.Length} chars)", w => Plain(op, w, query: (name, EscapeUtf16(junkValue))));
    }

    /// <summary>Random UTF-16 code units, including NUL, controls and lone surrogates.</summary>
    private string RandomText(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = _random.Next(6) switch
            {
                0 => (char)_random.Next(0, 0x20),
                1 => (char)_random.Next(0xD800, 0xE000),
                2 => (char)_random.Next(0x80, 0x800),
                3 => "'\";\\/%{}[]<>&$`"[_random.Next(16)],
                _ => (char)_random.Next(0x20, 0x7F),
            };
        }
        return new string(chars);
    }

    // ---- building blocks ----

    private static FuzzCase Case(RouteOperation op, string category, string mutation, Func<FuzzWorld, FuzzRequest> build) =>
        new(op, category, mutation, FuzzCaller.Natural, build);

    private static JsonObject Seed(RouteOperation op, FuzzWorld w) => FuzzSeeds.Body(op.OperationId, w)!;

    /// <summary>The valid request: real route ids, valid query, the seed body only when <paramref name="content"/> is not given.</summary>
    private static FuzzRequest Plain(RouteOperation op, FuzzWorld w, HttpContent? content = null, string? path = null, (string Name, string Value)? query = null)
    {
        var parameters = SeedRequests.Escaped(FuzzSeeds.Query(op.OperationId, w));
        if (query is { } q)
        {
            parameters[q.Name] = q.Value;
        }
        return new FuzzRequest(new HttpMethod(op.Method), SeedRequests.WithQuery(path ?? Path(op, w), parameters), content, [], null);
    }

    /// <summary>The route with real ids, except the parameters given (their values already URL-safe).</summary>
    private static string Path(RouteOperation op, FuzzWorld w, params (string Name, string Value)[] replaced) =>
        SeedRequests.Path(op, w.PathValue, replaced);

    /// <summary>The seed with one field's value replaced by raw JSON text (which may be of any type, or invalid).</summary>
    private static string WithRaw(JsonObject body, string field, string rawJson)
    {
        body[field] = "__fuzz_value__";
        return body.ToJsonString().Replace("\"__fuzz_value__\"", rawJson, StringComparison.Ordinal);
    }

    /// <summary>A JSON string literal with every non-ASCII UTF-16 code unit escaped, so lone surrogates survive as <c>\uD800</c>.</summary>
    public static string JsonLiteral(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || c > 0x7E)
            {
                builder.Append($"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>Percent-encodes UTF-16 text as UTF-8, writing a lone surrogate as its (invalid) three-byte form.</summary>
    private static string EscapeUtf16(string value)
    {
        var builder = new StringBuilder();
        foreach (var rune in SplitKeepingLoneSurrogates(value))
        {
            foreach (var b in rune)
            {
                builder.Append(b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' ? ((char)b).ToString() : $"%{b:X2}");
            }
        }
        return builder.ToString();
    }

    private static IEnumerable<byte[]> SplitKeepingLoneSurrogates(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsSurrogatePair(value, i))
            {
                yield return Encoding.UTF8.GetBytes(value.Substring(i, 2));
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                int c = value[i];
                yield return [(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))];
            }
            else
            {
                yield return Encoding.UTF8.GetBytes(value[i].ToString());
            }
        }
    }

    /// <summary>The seed with a padding field making the JSON exactly <paramref name="bytes"/> long.</summary>
    private static string Padded(JsonObject seed, int bytes)
    {
        var json = seed.ToJsonString();
        var frame = "{\"padding\":\"\"," .Length + json.Length - 1;
        return "{\"padding\":\"" + new string('p', Math.Max(0, bytes - frame)) + "\"," + json[1..];
    }

    private static string Flip(string token) => token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

    private static string Short(string value)
    {
        var printable = new string(value.Take(40).Select(c => c is < ' ' or > '~' ? '?' : c).ToArray());
        return value.Length > 40 ? $"{printable}…({value.Length} chars)" : printable;
    }
}
