using CsCheck;
using PrivacyNode.Fuzz;
using PrivacyNode.Testing;

namespace PrivacyNode.Node.Tests.Fuzz;

/// <summary>
/// The targets tests/fuzz/run.sh hands to afl++, run here on their seeds and on a few hundred of their mutations from a fixed
/// seed: a target that throws here would report every input as a crash there. Findings of the long runs are kept below as
/// regression inputs.
/// </summary>
public sealed class FuzzTargetsTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Keys);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Target_AcceptsOrRefusesItsSeedsAndTheirMutations(string target)
    {
        var run = FuzzTargets.All[target];
        var seeds = FuzzTargets.Seeds(target).ToArray();
        Assert.NotEmpty(seeds);
        foreach (var seed in seeds)
        {
            run(seed);
        }

        var mutated = Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 4096], Gen.Byte, Gen.Int[0, 2], (which, at, value, mode) =>
        {
            var copy = (byte[])seeds[which].Clone();
            var position = copy.Length == 0 ? 0 : at % copy.Length;
            return mode switch
            {
                0 when copy.Length > 0 => [.. copy[..position], value, .. copy[(position + 1)..]],
                1 => copy[..position],
                _ => [.. copy[..position], value, .. copy[position..]],
            };
        });
        FuzzRun.Check(Gen.OneOf(mutated, Gen.Byte.Array[0, 300]), input =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            run(input);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, FuzzTargets.AllocationLimit(input.Length));
        }, target.StartsWith("psi-batch-sm2", StringComparison.Ordinal) || target.StartsWith("bfv", StringComparison.Ordinal) ? 100 : 400);
    }
}
