using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace PrivacyNode.Crypto.Signatures;

/// <summary>
/// An Ed25519 (RFC 8032, pure) signing key: the 32-byte secret seed and its public key. The seed is
/// zeroed on dispose.
/// </summary>
/// <remarks>Thread-safe for signing; BouncyCastle's implementation is constant time in the secret.</remarks>
public sealed class Ed25519KeyPair : IDisposable
{
    /// <summary>Size of a seed, a public key (32) and a signature (64) in bytes.</summary>
    public const int SeedSize = 32;

    /// <inheritdoc cref="SeedSize"/>
    public const int PublicKeySize = 32;

    /// <inheritdoc cref="SeedSize"/>
    public const int SignatureSize = 64;

    private readonly byte[] _seed;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private Ed25519KeyPair(byte[] seed)
    {
        _seed = seed;
        _publicKey = new byte[PublicKeySize];
        Ed25519.GeneratePublicKey(_seed, 0, _publicKey, 0);
    }

    /// <summary>The public key (a copy).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>A new key from the OS CSPRNG.</summary>
    public static Ed25519KeyPair Generate() => new(CryptoRandom.NewSeed());

    /// <summary>The key with this seed; the seed is copied and the caller should clear its own copy.</summary>
    /// <exception cref="ArgumentException">The seed is not <see cref="SeedSize"/> bytes.</exception>
    public static Ed25519KeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An Ed25519 seed is {SeedSize} bytes, not {seed.Length}.", nameof(seed));
        }

        return new Ed25519KeyPair(seed.ToArray());
    }

    /// <summary>Writes the seed into <paramref name="destination"/> (for saving the key).</summary>
    public void ExportSeed(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _seed.CopyTo(destination);
    }

    /// <summary>Signs <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var signature = new byte[SignatureSize];
        var data = message.ToArray();
        Ed25519.Sign(_seed, 0, data, 0, data.Length, signature, 0);
        return signature;
    }

    /// <summary>True if <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    /// <remarks>Keys and signatures of the wrong length, non-canonical encodings and points off the curve give false, never an exception.</remarks>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        var data = message.ToArray();
        try
        {
            return Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, data, 0, data.Length);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Zeroes the seed.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_seed);
            _disposed = true;
        }
    }
}
