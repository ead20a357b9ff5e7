using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Rlwe;

/// <summary>
/// Uniform residues from a 32-byte seed: AES-256 in counter mode keyed by the seed, one stream per
/// (domain, prime), 64-bit words masked to the prime's bit count and rejected when not below it.
/// The same seed gives the same values on every machine, so a polynomial can travel as its seed
/// (compact public keys and symmetric ciphertexts). Not thread-safe; dispose to zero the key.
/// </summary>
public sealed class UniformSampler : IDisposable
{
    /// <summary>Bytes of a seed.</summary>
    public const int SeedSize = 32;

    private const int BlockWords = 512;

    private readonly Aes _aes;
    private readonly byte[] _counter = new byte[16 * (BlockWords / 2)];
    private readonly byte[] _stream = new byte[8 * BlockWords];

    /// <summary>A sampler for <paramref name="seed"/> (32 bytes; a fresh one comes from <see cref="NewSeed"/>).</summary>
    public UniformSampler(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"A seed is {SeedSize} bytes.", nameof(seed));
        }

        _aes = Aes.Create();
        _aes.Key = seed.ToArray();
    }

    /// <summary>A fresh seed from the OS CSPRNG.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedSize);

    /// <summary>
    /// Fills <paramref name="destination"/> with values uniform in [0, q) from the stream of (<paramref name="domain"/>,
    /// <paramref name="prime"/>); each (domain, prime) stream starts afresh, so results do not depend on call order.
    /// </summary>
    public void Fill(Modulus modulus, uint domain, uint prime, Span<ulong> destination)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        var mask = modulus.BitCount == 64 ? ulong.MaxValue : (1UL << modulus.BitCount) - 1;
        ulong block = 0;
        var filled = 0;
        while (filled < destination.Length)
        {
            NextStream(domain, prime, block++);
            for (var i = 0; i < BlockWords && filled < destination.Length; i++)
            {
                var candidate = BinaryPrimitives.ReadUInt64LittleEndian(_stream.AsSpan(i * 8)) & mask;
                if (candidate < modulus.Value)
                {
                    destination[filled++] = candidate;
                }
            }
        }
    }

    /// <summary>Zeroes the key and the buffered stream.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_stream);
        _aes.Dispose();
    }

    /// <summary>Encrypts counter blocks (domain, prime, block, index) into <see cref="_stream"/>.</summary>
    private void NextStream(uint domain, uint prime, ulong block)
    {
        for (var i = 0; i < BlockWords / 2; i++)
        {
            var counter = _counter.AsSpan(i * 16, 16);
            BinaryPrimitives.WriteUInt32LittleEndian(counter, domain);
            BinaryPrimitives.WriteUInt32LittleEndian(counter[4..], prime);
            BinaryPrimitives.WriteUInt64LittleEndian(counter[8..], (block * (BlockWords / 2)) + (ulong)i);
        }

        _aes.EncryptEcb(_counter, _stream, PaddingMode.None);
    }
}
