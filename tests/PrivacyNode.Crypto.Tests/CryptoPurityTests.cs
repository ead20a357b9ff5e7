using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace PrivacyNode.Crypto.Tests;

/// <summary>
/// PrivacyNode.Crypto does no I/O, reads no clock, logs nothing and never uses System.Random: checked on
/// the compiled assembly's references, so a slip anywhere in the library fails here.
/// </summary>
public sealed class CryptoPurityTests
{
    private static readonly string[] AllowedAssemblies =
    [
        "System.Runtime", "System.Runtime.Intrinsics", "System.Runtime.Numerics", "System.Numerics.Vectors", "System.Memory",
        "System.Security.Cryptography", "System.Collections", "System.Linq", "System.Runtime.InteropServices", "System.Threading",
        // Compute on every core (the PSI sessions' batches); it schedules work, it does no I/O.
        "System.Threading.Tasks.Parallel",
        "BouncyCastle.Cryptography",
    ];

    private static readonly (string Namespace, string Type)[] ForbiddenTypes =
    [
        ("System", "Random"), ("System", "DateTime"), ("System", "DateTimeOffset"), ("System", "TimeProvider"), ("System", "Console"),
        ("System.Diagnostics", "Stopwatch"), ("System.IO", "File"), ("System.IO", "FileStream"), ("System.IO", "Directory"),
        ("System.Net.Http", "HttpClient"), ("System.Net.Sockets", "Socket"),
    ];

    private static readonly Assembly Crypto = typeof(CryptoRandom).Assembly;

    [Fact]
    public void ReferencedAssemblies_AreOnlyComputeLibraries()
    {
        var referenced = Crypto.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.All(referenced, name => Assert.Contains(name, AllowedAssemblies));
    }

    [Fact]
    public void ReferencedTypes_IncludeNoClockIoOrInsecureRandom()
    {
        using var stream = File.OpenRead(Crypto.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();

        var used = metadata.TypeReferences
            .Select(metadata.GetTypeReference)
            .Select(t => (metadata.GetString(t.Namespace), metadata.GetString(t.Name)))
            .ToHashSet();

        var found = ForbiddenTypes.Where(used.Contains).Select(t => $"{t.Namespace}.{t.Type}").ToList();
        Assert.True(found.Count == 0, "PrivacyNode.Crypto uses " + string.Join(", ", found));
    }
}
