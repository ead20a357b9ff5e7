using System.Buffers;
using System.Buffers.Binary;
using PrivacyNode.Crypto.Arithmetic;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// The versioned binary format of BFV objects: "PNHE", format version, kind, the 16-byte parameter-set id,
/// then the body (residues as little-endian 64-bit words, row by row). Uniform polynomials travel as their
/// 32-byte seed: public keys, key-switching keys and fresh symmetric ciphertexts are about half size.
/// Reading checks everything before use (magic, version, kind, parameter set, counts, exact length, every
/// residue below its prime, secret coefficients ternary) and throws <see cref="BfvFormatException"/> otherwise,
/// without allocating more than the input's length allows. Thread-safe.
/// </summary>
public static class BfvSerializer
{
    /// <summary>The format version written and the only one read.</summary>
    public const byte FormatVersion = 1;

    private const int HeaderSize = 4 + 1 + 1 + 16;
    private const int MaxCiphertextSize = 8;
    private static ReadOnlySpan<byte> Magic => "PNHE"u8;

    private enum Kind : byte
    {
        Plaintext = 1,
        Ciphertext = 2,
        PublicKey = 3,
        SecretKey = 4,
        RelinearizationKeys = 5,
        GaloisKeys = 6,
    }

    /// <summary>A plaintext: n coefficients.</summary>
    public static byte[] Serialize(Plaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var writer = new Writer(plaintext.Parameters, Kind.Plaintext);
        writer.Words(plaintext.Coefficients);
        return writer.ToArray();
    }

    /// <summary>A ciphertext; a fresh symmetric one as (c0, seed).</summary>
    public static byte[] Serialize(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var writer = new Writer(ciphertext.Parameters, Kind.Ciphertext);
        var seeded = ciphertext.C1Seed is not null && ciphertext.Size == 2 && ciphertext.Level == BfvContext.Of(ciphertext.Parameters).DataPrimes;
        writer.Byte(seeded ? (byte)1 : (byte)0);
        writer.Byte((byte)ciphertext.Size);
        writer.Byte((byte)ciphertext.Polynomials[0].Primes);
        writer.Rows(ciphertext.Polynomials[0]);
        if (seeded)
        {
            writer.Bytes(ciphertext.C1Seed);
        }
        else
        {
            foreach (var polynomial in ciphertext.Polynomials.Skip(1))
            {
                writer.Rows(polynomial);
            }
        }

        return writer.ToArray();
    }

    /// <summary>A public key as (b, seed).</summary>
    public static byte[] Serialize(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var writer = new Writer(publicKey.Parameters, Kind.PublicKey);
        writer.Rows(publicKey.B);
        writer.Bytes(publicKey.Seed.Span);
        return writer.ToArray();
    }

    /// <summary>A secret key, one byte per coefficient (0, 1 or 2 for -1). Keep the bytes as secret as the key and zero them after use.</summary>
    public static byte[] Serialize(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var writer = new Writer(secretKey.Parameters, Kind.SecretKey);
        var s = secretKey.Value.Truncate(1);
        s.ToCoefficients([secretKey.Parameters.NttTablesOf(0)]);
        var q = secretKey.Parameters.CoefficientModulus[0].Value;
        var codes = new byte[s.Degree];
        var row = s.Row(0);
        for (var j = 0; j < codes.Length; j++)
        {
            codes[j] = row[j] == q - 1 ? (byte)2 : (byte)row[j];
        }

        s.Clear();
        writer.Bytes(codes);
        Array.Clear(codes);
        return writer.ToArray();
    }

    /// <summary>Relinearization keys: one (b, seed) per data prime.</summary>
    public static byte[] Serialize(RelinearizationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var writer = new Writer(keys.Parameters, Kind.RelinearizationKeys);
        writer.SwitchingKeys(keys.Keys);
        return writer.ToArray();
    }

    /// <summary>Galois keys: the element count, then each element with its (b, seed) per data prime.</summary>
    public static byte[] Serialize(GaloisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var writer = new Writer(keys.Parameters, Kind.GaloisKeys);
        writer.UInt16((ushort)keys.Keys.Count);
        foreach (var (element, key) in keys.Keys.OrderBy(k => k.Key))
        {
            writer.UInt32((uint)element);
            writer.SwitchingKeys(key);
        }

        return writer.ToArray();
    }

    /// <summary>Reads a plaintext made under <paramref name="parameters"/>.</summary>
    /// <exception cref="BfvFormatException">Anything about the bytes is wrong.</exception>
    public static Plaintext DeserializePlaintext(BfvParameters parameters, ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(parameters, bytes, Kind.Plaintext);
        var plaintext = new Plaintext(parameters);
        reader.Words(plaintext.Coefficients, parameters.PlainModulus, "plaintext coefficient");
        reader.End();
        return plaintext;
    }

    /// <summary>Reads a ciphertext made under <paramref name="parameters"/>.</summary>
    /// <exception cref="BfvFormatException">Anything about the bytes is wrong.</exception>
    public static Ciphertext DeserializeCiphertext(BfvParameters parameters, ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(parameters, bytes, Kind.Ciphertext);
        var context = BfvContext.Of(parameters);
        var seeded = reader.Byte() switch
        {
            0 => false,
            1 => true,
            var flag => throw new BfvFormatException($"Unknown ciphertext flags {flag}."),
        };
        var size = reader.Byte();
        if (size is < 2 or > MaxCiphertextSize || (seeded && size != 2))
        {
            throw new BfvFormatException($"A ciphertext has 2 to {MaxCiphertextSize} polynomials (a seeded one exactly 2); this one claims {size}.");
        }

        var primes = reader.Byte();
        if (primes < 1 || primes > context.DataPrimes || (seeded && primes != context.DataPrimes))
        {
            throw new BfvFormatException($"A ciphertext under these parameters has 1 to {context.DataPrimes} primes (a seeded one all of them); this one claims {primes}.");
        }

        reader.Expect((seeded ? 1 : size) * primes * context.Degree * 8 + (seeded ? UniformSampler.SeedSize : 0));
        var polynomials = new List<RnsPolynomial> { reader.Rows(context, primes) };
        byte[]? seed = null;
        if (seeded)
        {
            seed = reader.Bytes(UniformSampler.SeedSize);
            var c1 = KeyGenerator.Uniform(context, seed, Encryptor.SymmetricDomain, primes);
            c1.ToCoefficients(context.Tables);
            polynomials.Add(c1);
        }
        else
        {
            for (var k = 1; k < size; k++)
            {
                polynomials.Add(reader.Rows(context, primes));
            }
        }

        reader.End();
        return new Ciphertext(parameters, polynomials) { C1Seed = seed };
    }

    /// <summary>Reads a public key made under <paramref name="parameters"/>.</summary>
    /// <exception cref="BfvFormatException">Anything about the bytes is wrong.</exception>
    public static PublicKey DeserializePublicKey(BfvParameters parameters, ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(parameters, bytes, Kind.PublicKey);
        var context = BfvContext.Of(parameters);
        reader.Expect((context.KeyPrimes * context.Degree * 8) + UniformSampler.SeedSize);
        var b = reader.Rows(context, context.KeyPrimes, isNtt: true);
        var seed = reader.Bytes(UniformSampler.SeedSize);
        reader.End();
        return new PublicKey(parameters, b, KeyGenerator.Uniform(context, seed, KeyGenerator.PublicKeyDomain, context.KeyPrimes), seed);
    }

    /// <summary>Reads a secret key made under <paramref name="parameters"/>.</summary>
    /// <exception cref="BfvFormatException">Anything about the bytes is wrong.</exception>
    public static SecretKey DeserializeSecretKey(BfvParameters parameters, ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(parameters, bytes, Kind.SecretKey);
        var context = BfvContext.Of(parameters);
        var codes = reader.Bytes(context.Degree);
        reader.End();
        var coefficients = new sbyte[codes.Length];
        for (var j = 0; j < codes.Length; j++)
        {
            coefficients[j] = codes[j] switch
            {
                0 => 0,
                1 => 1,
                2 => -1,
                _ => throw new BfvFormatException($"Secret coefficient {j} is not ternary (code {codes[j]})."),
            };
        }

        Array.Clear(codes);
        var s = RnsPolynomial.FromSmall(coefficients, context.Basis, context.KeyPrimes);
        Array.Clear(coefficients);
        s.ToNtt(context.Tables);
        return new SecretKey(parameters, s);
    }

    /// <summary>Reads relinearization keys made under <paramref name="parameters"/>.</summary>
    /// <exception cref="BfvFormatException">Anything about the bytes is wrong.</exception>
    public static RelinearizationKeys DeserializeRelinearizationKeys(BfvParameters parameters, ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(parameters, bytes, Kind.RelinearizationKeys);
        var keys = reader.SwitchingKeys(BfvContext.Of(parameters), KeyGenerator.RelinearizationDomain);
        reader.End();
        return new RelinearizationKeys(parameters, keys);
    }

    /// <summary>Reads Galois keys made under <paramref name="parameters"/>.</summary>
    /// <exception cref="BfvFormatException">Anything about the bytes is wrong.</exception>
    public static GaloisKeys DeserializeGaloisKeys(BfvParameters parameters, ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(parameters, bytes, Kind.GaloisKeys);
        var context = BfvContext.Of(parameters);
        var count = reader.UInt16();
        var keys = new Dictionary<int, IReadOnlyList<SwitchingKey>>();
        for (var k = 0; k < count; k++)
        {
            var element = reader.UInt32();
            if ((element & 1) == 0 || element >= 2 * (uint)context.Degree || keys.ContainsKey((int)element))
            {
                throw new BfvFormatException($"Galois element {element} is not an odd value below 2n, or repeats.");
            }

            keys[(int)element] = reader.SwitchingKeys(context, KeyGenerator.GaloisDomain);
        }

        reader.End();
        return new GaloisKeys(parameters, keys);
    }

    private sealed class Writer
    {
        private readonly ArrayBufferWriter<byte> _stream = new();

        public Writer(BfvParameters parameters, Kind kind)
        {
            _stream.Write(Magic);
            _stream.Write([FormatVersion, (byte)kind]);
            _stream.Write(parameters.Id.Span);
        }

        public void Byte(byte value) => _stream.Write([value]);

        public void UInt16(ushort value)
        {
            Span<byte> buffer = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
            _stream.Write(buffer);
        }

        public void UInt32(uint value)
        {
            Span<byte> buffer = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
            _stream.Write(buffer);
        }

        public void Bytes(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

        public void Words(ReadOnlySpan<ulong> words)
        {
            Span<byte> buffer = stackalloc byte[8];
            foreach (var word in words)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(buffer, word);
                _stream.Write(buffer);
            }
        }

        public void Rows(RnsPolynomial polynomial)
        {
            for (var i = 0; i < polynomial.Primes; i++)
            {
                Words(polynomial.Row(i));
            }
        }

        public void SwitchingKeys(IReadOnlyList<SwitchingKey> keys)
        {
            Byte((byte)keys.Count);
            foreach (var key in keys)
            {
                Rows(key.B);
                Bytes(key.Seed);
            }
        }

        public byte[] ToArray() => _stream.WrittenSpan.ToArray();
    }

    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private int _position;

        public Reader(BfvParameters parameters, ReadOnlySpan<byte> bytes, Kind kind)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            _bytes = bytes;
            if (bytes.Length < HeaderSize || !bytes[..4].SequenceEqual(Magic))
            {
                throw new BfvFormatException("Not a PrivacyNode BFV object (the PNHE header is missing).");
            }

            if (bytes[4] != FormatVersion)
            {
                throw new BfvFormatException($"Format version {bytes[4]} is not supported; this build reads version {FormatVersion}.");
            }

            if (bytes[5] != (byte)kind)
            {
                throw new BfvFormatException($"Expected a {kind}, got object kind {bytes[5]}.");
            }

            if (!bytes.Slice(6, 16).SequenceEqual(parameters.Id.Span))
            {
                throw new BfvFormatException("The object was made under another parameter set.");
            }

            _position = HeaderSize;
        }

        public byte Byte() => Take(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public byte[] Bytes(int count) => Take(count).ToArray();

        /// <summary>Fails before any allocation when fewer than <paramref name="count"/> bytes remain.</summary>
        public readonly void Expect(long count)
        {
            if (_bytes.Length - _position < count)
            {
                throw new BfvFormatException($"The object is truncated: {count} more bytes are needed, {_bytes.Length - _position} remain.");
            }
        }

        public void Words(Span<ulong> destination, Modulus bound, string what)
        {
            Expect(destination.Length * 8L);
            for (var j = 0; j < destination.Length; j++)
            {
                var word = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
                destination[j] = word < bound.Value ? word : throw new BfvFormatException($"A {what} ({word}) is not below {bound.Value}.");
            }
        }

        public RnsPolynomial Rows(BfvContext context, int primes, bool isNtt = false)
        {
            Expect((long)primes * context.Degree * 8);
            var polynomial = new RnsPolynomial(context.Degree, context.Basis, primes, isNtt);
            for (var i = 0; i < primes; i++)
            {
                Words(polynomial.Row(i), context.Basis[i], $"residue mod prime {i}");
            }

            return polynomial;
        }

        public List<SwitchingKey> SwitchingKeys(BfvContext context, uint domain)
        {
            var count = Byte();
            if (count != context.DataPrimes)
            {
                throw new BfvFormatException($"Key-switching keys come one per data prime ({context.DataPrimes}); this object has {count}.");
            }

            Expect(count * ((context.KeyPrimes * context.Degree * 8L) + UniformSampler.SeedSize));
            var keys = new List<SwitchingKey>(count);
            for (var i = 0; i < count; i++)
            {
                var b = Rows(context, context.KeyPrimes, isNtt: true);
                var seed = Bytes(UniformSampler.SeedSize);
                keys.Add(new SwitchingKey(b, KeyGenerator.Uniform(context, seed, domain, context.KeyPrimes), seed));
            }

            return keys;
        }

        public readonly void End()
        {
            if (_position != _bytes.Length)
            {
                throw new BfvFormatException($"{_bytes.Length - _position} unexpected bytes after the object.");
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            Expect(count);
            var slice = _bytes.Slice(_position, count);
            _position += count;
            return slice;
        }
    }
}
