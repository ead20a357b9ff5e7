using System.Runtime.InteropServices;

namespace PrivacyNode.Benchmarks.Group;

/// <summary>The libsodium baseline (Debian libsodium23), called through P/Invoke; benchmarks only.</summary>
internal static partial class LibSodium
{
    private const string Library = "libsodium.so.23";

    static LibSodium()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("sodium_init failed.");
        }
    }

    /// <summary>q = n·p; 0 on success, -1 if q is the identity or p is not a canonical encoding.</summary>
    public static int ScalarMult(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p) => crypto_scalarmult_ristretto255(
        ref MemoryMarshal.GetReference(q), in MemoryMarshal.GetReference(n), in MemoryMarshal.GetReference(p));

    /// <summary>The RFC 9496 one-way map of 64 bytes.</summary>
    public static int FromHash(Span<byte> p, ReadOnlySpan<byte> hash) =>
        crypto_core_ristretto255_from_hash(ref MemoryMarshal.GetReference(p), in MemoryMarshal.GetReference(hash));

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ristretto255(ref byte q, in byte n, in byte p);

    [LibraryImport(Library)]
    private static partial int crypto_core_ristretto255_from_hash(ref byte p, in byte r);
}
