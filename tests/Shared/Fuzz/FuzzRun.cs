using CsCheck;

namespace PrivacyNode.Testing;

/// <summary>
/// Runs a CsCheck generator against a property from a fixed seed, one input after another, so that a test run is deterministic: the
/// same inputs in every run and on every machine. Long, randomly seeded fuzzing is a script's job, not a test's.
/// </summary>
internal static class FuzzRun
{
    /// <summary>Draws <paramref name="iterations"/> inputs from <paramref name="gen"/> with seed <paramref name="seed"/> and checks each.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> property, int iterations, ulong seed = 0x5EED)
    {
        var pcg = new PCG(1, seed);
        for (var i = 0; i < iterations; i++)
        {
            var input = gen.Generate(pcg, null, out _);
            try
            {
                property(input);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"Fuzz input {i} (seed {seed}) failed the property.", ex);
            }
        }
    }

    /// <summary>As <see cref="Check{T}"/>, for an asynchronous property.</summary>
    public static async Task CheckAsync<T>(Gen<T> gen, Func<T, Task> property, int iterations, ulong seed = 0x5EED)
    {
        var pcg = new PCG(1, seed);
        for (var i = 0; i < iterations; i++)
        {
            var input = gen.Generate(pcg, null, out _);
            try
            {
                await property(input);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"Fuzz input {i} (seed {seed}) failed the property.", ex);
            }
        }
    }
}
