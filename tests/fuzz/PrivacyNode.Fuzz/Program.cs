using PrivacyNode.Fuzz;

// privacynode-fuzz TARGET              run TARGET under afl-fuzz (SharpFuzz, persistent mode)
// privacynode-fuzz --seeds DIRECTORY   write each target's seed inputs to DIRECTORY/TARGET/
// privacynode-fuzz --replay TARGET FILE...   run inputs once (a finding's triage); exit 1 if one throws
// privacynode-fuzz --list              name the targets
switch (args)
{
    case ["--list"]:
        Console.WriteLine(string.Join('\n', FuzzTargets.All.Keys));
        return 0;
    case ["--seeds", var directory]:
        foreach (var target in FuzzTargets.All.Keys)
        {
            var folder = Directory.CreateDirectory(Path.Combine(directory, target)).FullName;
            var index = 0;
            foreach (var seed in FuzzTargets.Seeds(target))
            {
                File.WriteAllBytes(Path.Combine(folder, $"seed-{index++}"), seed);
            }
        }

        return 0;
    case ["--replay", var target, .. var files] when FuzzTargets.All.TryGetValue(target, out var run):
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                run(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                failed++;
                Console.Error.WriteLine($"{file}: {ex}");
            }
        }

        return failed == 0 ? 0 : 1;
    case [var target] when FuzzTargets.All.TryGetValue(target, out var run):
        var first = true;
        SharpFuzz.Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var input = copy.ToArray();
            var before = GC.GetAllocatedBytesForCurrentThread();
            run(input);
            // An input that makes a decoder allocate far beyond its size is a finding too (the first run also builds the target's state).
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (!first && allocated > FuzzTargets.AllocationLimit(input.Length))
            {
                throw new InvalidOperationException($"{allocated} bytes allocated for an input of {input.Length} bytes.");
            }

            first = false;
        });
        return 0;
    default:
        Console.Error.WriteLine($"usage: privacynode-fuzz TARGET | --seeds DIR | --replay TARGET FILE... | --list\ntargets: {string.Join(", ", FuzzTargets.All.Keys)}");
        return 2;
}
