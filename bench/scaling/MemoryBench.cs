using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// What idle functions cost: N static functions at one replica each, then the same N at zero
/// (minReplicas 0, idle timeout 1 s): the resident memory of every process the Api started, and the Api's own.
/// </summary>
internal static class MemoryBench
{
    public static async Task RunAsync(BenchApi api, int apiProcess, int count)
    {
        var names = Enumerable.Range(0, count).Select(i => $"idle-{i:000}").ToList();
        foreach (var name in names)
        {
            using var created = await api.Client.PostAsJsonAsync("/api/v1/functions?wait=true", new { name, kind = "static" });
            Ensure(created, name);
        }
        var atOne = Measure(apiProcess);
        foreach (var name in names)
        {
            using var patched = await api.Client.PatchAsJsonAsync($"/api/v1/functions/{name}?wait=true", new { minReplicas = 0, idleTimeoutSeconds = 1 });
            Ensure(patched, name);
        }
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while ((await api.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions")).EnumerateArray().Any(f => f.GetProperty("state").GetString() != "idle"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the functions did not all go to zero");
            }
            await Task.Delay(250);
        }
        // Stopped workers take a moment to exit.
        await Task.Delay(3000);
        var atZero = Measure(apiProcess);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} idle static functions at one replica: {atOne.Processes} processes under the Api, {atOne.ChildrenMiB:0} MiB resident (the Api {atOne.ApiMiB:0} MiB); "
            + $"at zero: {atZero.Processes} processes, {atZero.ChildrenMiB:0} MiB (the Api {atZero.ApiMiB:0} MiB)"));
        foreach (var name in names)
        {
            (await api.Client.DeleteAsync($"/api/v1/functions/{name}")).Dispose();
        }
    }

    private static (int Processes, double ChildrenMiB, double ApiMiB) Measure(int api)
    {
        var children = CpuTime.Descendants(api);
        return (children.Count, children.Sum(Resident) / 1024.0, Resident(api) / 1024.0);
    }

    /// <summary>VmRSS in KiB, 0 for a process gone meanwhile.</summary>
    private static long Resident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static void Ensure(HttpResponseMessage response, string name)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{name}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().Result}");
        }
    }
}
