using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace D3Chat.Bench.Realtime;

/// <summary>The targets of issue 14 checked against one run's figures, and the Markdown table of bench/README.md.</summary>
public static class Report
{
    public static JsonArray Targets(JsonObject r)
    {
        var targets = new JsonArray();
        void Add(string figure, string target, double? value, string unit, bool? met) =>
            targets.Add(new JsonObject { ["figure"] = figure, ["target"] = target, ["value"] = value, ["unit"] = unit, ["met"] = met });

        var post32 = Number(Row(r["post_throughput"], 32)?["posts_per_s"]);
        var insert32 = Number(Row(r["insert_baseline"], 32)?["rows_per_s"]);
        var share = post32 / insert32 * 100;
        Add("POST throughput at 32 clients / raw inserts at 32", ">= 10 % (stretch 25 %)", Round(share), "%", share >= 10);

        var post201 = Number(r["latency"]?["post_201_ms"]?["p50"]);
        var getMe = Number(r["latency"]?["get_me_ms"]?["p50"]);
        var ratio = post201 / getMe;
        Add("POST->201 p50 / GET /users/me p50", "<= 2", Round(ratio), "x", ratio <= 2);

        var p50 = Number(r["latency"]?["post_to_message_new_ms"]?["p50"]);
        var p99 = Number(r["latency"]?["post_to_message_new_ms"]?["p99"]);
        Add("POST->message.new p50 (10 receivers)", "<= 15 ms", p50, "ms", p50 <= 15);
        Add("POST->message.new p99 (10 receivers)", "<= 50 ms", p99, "ms", p99 <= 50);

        var relay99 = Number(r["federation"]?["relay_ms"]?["p99"]);
        Add("federation relay p99", "<= 250 ms", relay99, "ms", relay99 <= 250);
        // The relay's own rate: a backlog of the burst let go at once (without the database, the
        // end-to-end burst, which A's POST rate bounds as well).
        var burst = Number(r["federation"]?["burst_backlog"]?["received_per_s"]) ?? Number(r["federation"]?["burst"]?["received_per_s"]);
        Add("federation burst of 1,000, received at B", ">= 500 msg/s", burst, "msg/s", burst >= 500);

        var cold = Number(r["script"]?["cold_start_seconds"]);
        Add("LocalHost cold start to first 200 on /health", "<= 5 s", cold, "s", cold <= 5);

        var rss = Number(r["memory"]?["localhost_vm_hwm_mib"]) ?? Number(r["memory"]?["localhost_peak_rss_sampled_mib"]);
        Add("LocalHost resident memory peak", "<= 500 MB", rss, "MiB", rss <= 500);
        return targets;
    }

    public static string Markdown(JsonObject r)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"Commit `{Short(r["commit"])}`, {r["date"]}, {r["machine"]?["logical_cpus"]} logical CPUs, {r["machine"]?["os"]}, {r["machine"]?["dotnet"]}; "
            + $"load average {r["load_average_start"]} at the start, {r["load_average_end"]} at the end; services: {r["script"]?["services"] ?? "?"}.");
        md.AppendLine();
        md.AppendLine("| figure | this run | target | met |");
        md.AppendLine("|---|---:|---|---|");
        foreach (var t in r["targets"]!.AsArray())
        {
            var met = t!["met"] is null ? "n/a" : (bool)t["met"]! ? "yes" : "**no**";
            md.AppendLine(inv, $"| {t["figure"]} | {Fmt(t["value"])} {t["unit"]} | {t["target"]} | {met} |");
        }
        md.AppendLine();
        md.AppendLine("| clients | raw INSERT rows/s (pgbench) | message POST/s | delivered to a client/s | POST / INSERT | POST->201 p50 / p99 ms |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|");
        foreach (var post in r["post_throughput"]!.AsArray())
        {
            var c = (int)post!["concurrency"]!;
            var insert = Number(Row(r["insert_baseline"], c)?["rows_per_s"]);
            var posts = Number(post["posts_per_s"]);
            md.AppendLine(inv, $"| {c} | {Fmt(insert)} | {Fmt(posts)} | {Fmt(post["delivered_per_s"])} | {Fmt(Round(posts / insert * 100))} % | {Fmt(post["post_201_ms"]?["p50"])} / {Fmt(post["post_201_ms"]?["p99"])} |");
        }
        if (Row(r["post_throughput"], 32)?["rounds"] is JsonArray postRounds && Row(r["insert_baseline"], 32)?["rounds"] is JsonArray insertRounds)
        {
            md.AppendLine();
            md.AppendLine(inv, $"32 clients: medians of {postRounds.Count} alternating rounds; pgbench {string.Join(", ", insertRounds.Select(Fmt))} rows/s, POST {string.Join(", ", postRounds.Select(Fmt))}/s.");
        }
        md.AppendLine();
        foreach (var g in r["get_me"]!.AsArray())
        {
            md.AppendLine(inv, $"- `GET /users/me` at {g!["concurrency"]} client(s): {Fmt(g["requests_per_s"])} requests/s, p50 {Fmt(g["latency_ms"]?["p50"])} ms, p99 {Fmt(g["latency_ms"]?["p99"])} ms.");
        }
        var l = r["latency"];
        md.AppendLine(inv, $"- Sequential, {l?["messages"]} messages, {l?["receivers"]} receivers: POST->`message.new` p50/p95/p99 {Fmt(l?["post_to_message_new_ms"]?["p50"])} / {Fmt(l?["post_to_message_new_ms"]?["p95"])} / {Fmt(l?["post_to_message_new_ms"]?["p99"])} ms "
            + $"(last of the receivers p50 {Fmt(l?["post_to_last_receiver_ms"]?["p50"])}, p99 {Fmt(l?["post_to_last_receiver_ms"]?["p99"])} ms); POST->201 p50 {Fmt(l?["post_201_ms"]?["p50"])} ms against `GET /users/me` p50 {Fmt(l?["get_me_ms"]?["p50"])} ms interleaved; lost {l?["lost"]}.");
        if (r["federation"] is { } f)
        {
            md.AppendLine(inv, $"- Federation A->B one at a time ({f["relay_ms"]?["count"]} messages): relay p50 {Fmt(f["relay_ms"]?["p50"])} ms, p99 {Fmt(f["relay_ms"]?["p99"])} ms. "
                + $"Burst of {f["burst"]?["messages"]} (posted in {Fmt(f["burst"]?["posted_in_seconds"])} s): {f["burst"]?["received"]} at B after {Fmt(f["burst"]?["seconds"])} s = {Fmt(f["burst"]?["received_per_s"])} msg/s{((bool?)f["burst"]?["complete"] == true ? "" : " (timed out)")}{StoredAtB(f["burst"])}.");
            if (f["burst_backlog"] is { } held)
            {
                md.AppendLine(inv, $"- Federation backlog: {held["messages"]} messages posted in {Fmt(held["posted_in_seconds"])} s while A held B's deliveries ({held["queued_at_a"]} queued at A, {held["arrived_while_held"]} arrived meanwhile), "
                    + $"then let go: {held["received"]} at B's client after {Fmt(held["seconds"])} s = {Fmt(held["received_per_s"])} msg/s{((bool?)held["complete"] == true ? "" : " (timed out)")}{StoredAtB(held)}, each event signed by A and verified by B.");
            }
        }
        if (r["cpu_per_1000_messages"] is { } cpu)
        {
            var parts = cpu["cpu_seconds_by_process"]!.AsObject().Select(p => $"{p.Key} {Fmt(p.Value)}");
            md.AppendLine(inv, $"- CPU seconds per 1,000 messages ({cpu["phase"]}, {cpu["messages"]} messages): {string.Join(", ", parts)}.");
        }
        md.AppendLine(inv, $"- LocalHost memory: peak resident (VmHWM) {Fmt(r["memory"]?["localhost_vm_hwm_mib"])} MiB; cold start {Fmt(r["script"]?["cold_start_seconds"])} s. Load generator: {Fmt(r["load_generator_cpu_seconds"])} CPU seconds for the whole run.");
        return md.ToString();
    }

    /// <summary>The relay's part of a burst: when B had stored all of it, before its fanout to the client.</summary>
    private static string StoredAtB(JsonNode? burst) => burst?["stored_at_b_seconds"] is { } seconds
        ? $" (all stored in B's database after {Fmt(seconds)} s = {Fmt(burst["stored_at_b_per_s"])} msg/s)"
        : "";

    private static JsonNode? Row(JsonNode? rows, int concurrency) =>
        rows?.AsArray().FirstOrDefault(x => (int?)x?["concurrency"] == concurrency);

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static double? Round(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 2) : null;

    private static string Fmt(JsonNode? node) => Fmt(Number(node));

    private static string Fmt(double? value) => value is { } v && double.IsFinite(v)
        ? v.ToString(v >= 100 ? "#,0" : "0.##", CultureInfo.InvariantCulture)
        : "–";

    private static string Short(JsonNode? commit) => commit?.ToString() is { Length: > 7 } s ? s[..7] : commit?.ToString() ?? "?";
}
