using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;
using PrivacyNode.Crypto.Vole;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The VOLE-based PSI suite (docs/protocols/psi-vole.md), the semi-honest OPRF of Raghuraman and Rindal ("Blazing Fast PSI from Improved
/// OKVS and Subfield VOLE", CCS 2022, figure 4) over GF(2^128): the requester encodes its keys in an OKVS P with Decode(P, y) = h(y),
/// the parties run a silent VOLE (C = B + A·Δ), the requester sends P + A, the provider sets K = B + Δ·(P + A) = C + Δ·P and
/// tags each of its keys x with H(Decode(K, x) + Δ·h(x), h(x)); for y in the requester's set that is H(Decode(C, y), h(y)), which
/// the requester computes alone. Keys are hashed under a seed the requester draws per job.
/// </summary>
public static class VolePsi
{
    /// <summary>The suite's name in job specs and audit records.</summary>
    public const string SuiteName = "rr22";

    /// <summary>Bytes of the OKVS hash seed.</summary>
    public const int SeedSize = 16;

    /// <summary>The most keys a requester may bring (the OKVS must fit in one array).</summary>
    public const int MaxRequesterKeys = 1 << 28;

    /// <summary>Bytes of the requester's start message: the base-OT sender's element, the seed, then the OT extension.</summary>
    public static int StartSize(VoleParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return BaseOt.SenderMessageSize + SeedSize + OtExtension.MessageSize(parameters.OtCount);
    }

    private const int HashBatch = 256;

    /// <summary>Keys whose outputs are computed at once: their buffers stay below the large-object heap (85,000 bytes).</summary>
    internal const int OutputBatch = 1024;

    /// <summary>Blocks of a key's expansion: start, band (two), h, g.</summary>
    private const int ExpansionBlocks = 5;

    /// <summary>
    /// Each key compressed under the job's seed s: z is the AES-128 CBC state after the key's prefix-free encoding (a block holding its
    /// length in bytes, then the key zero-padded to whole blocks). <see cref="Expand"/> continues the CBC-MAC with one block i, so every
    /// hash value is CBC-MAC_s(encoding ‖ i) over a prefix-free message set: a PRF under s, which is drawn after both sets are fixed.
    /// </summary>
    internal static UInt128[] Compress(IReadOnlyList<ReadOnlyMemory<byte>> keys, Aes128 prf, CancellationToken cancellationToken)
    {
        var compressed = new UInt128[keys.Count];
        ForRanges(keys.Count, (from, to) =>
        {
            var batch = new ReadOnlyMemory<byte>[HashBatch];
            Span<UInt128> states = stackalloc UInt128[HashBatch];
            Span<byte> last = stackalloc byte[16];
            for (var start = from; start < to; start += HashBatch)
            {
                var count = Math.Min(HashBatch, to - start);
                var state = states[..count];
                var bytes = MemoryMarshal.AsBytes(state);
                var rounds = 0;
                for (var i = 0; i < count; i++)
                {
                    batch[i] = keys[start + i];
                    state[i] = (ulong)batch[i].Length;
                    rounds = Math.Max(rounds, Blocks(batch[i].Length));
                }

                // Round r takes block r of every key that has one; a key's z is its state after its last block.
                for (var r = 0; r <= rounds; r++)
                {
                    prf.Encrypt(bytes, bytes);
                    for (var i = 0; i < count; i++)
                    {
                        var key = batch[i].Span;
                        var blocks = Blocks(key.Length);
                        if (r == blocks)
                        {
                            compressed[start + i] = state[i];
                        }
                        else if (r < blocks)
                        {
                            var part = key[(16 * r)..Math.Min(key.Length, 16 * (r + 1))];
                            last.Clear();
                            part.CopyTo(last);
                            state[i] ^= BinaryPrimitives.ReadUInt128LittleEndian(last);
                        }
                    }
                }

                state.Clear();
                Array.Clear(batch);
            }
        }, cancellationToken);
        return compressed;

        static int Blocks(int length) => (length + 15) / 16;
    }

    /// <summary>
    /// The OKVS row, the value h and the binding g of each compressed key z, those of the spans given (the others empty): AES-128
    /// under the seed in counter mode from z, block i being E_s(z ⊕ i) for i = 1..5, gives the start, the two band blocks, h and g.
    /// </summary>
    internal static void Expand(Aes128 prf, ReadOnlySpan<UInt128> compressed, int size, Span<OkvsRow> rows, Span<UInt128> values, Span<UInt128> bindings)
    {
        Span<UInt128> blocks = stackalloc UInt128[ExpansionBlocks * HashBatch];
        for (var start = 0; start < compressed.Length; start += HashBatch)
        {
            var count = Math.Min(HashBatch, compressed.Length - start);
            var expansion = blocks[..(ExpansionBlocks * count)];
            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < ExpansionBlocks; j++)
                {
                    expansion[(i * ExpansionBlocks) + j] = compressed[start + i] ^ (UInt128)(uint)(j + 1);
                }
            }

            var bytes = MemoryMarshal.AsBytes(expansion);
            prf.Encrypt(bytes, bytes);
            for (var i = 0; i < count; i++)
            {
                if (!rows.IsEmpty)
                {
                    rows[start + i] = BandOkvs.Row(bytes.Slice(i * ExpansionBlocks * 16, 40), size);
                }

                if (!values.IsEmpty)
                {
                    values[start + i] = expansion[(i * ExpansionBlocks) + 3];
                }

                if (!bindings.IsEmpty)
                {
                    bindings[start + i] = expansion[(i * ExpansionBlocks) + 4];
                }
            }

            expansion.Clear();
        }
    }

    /// <summary>
    /// Tags and payload keys of OPRF values v bound to their keys' g: H(v ⊕ g) for the tag and H(v ⊕ g ⊕ 1), H(v ⊕ g ⊕ 2) for the key,
    /// H the circular correlation-robust hash on fixed-key AES (<see cref="FixedKeyHash"/>), as the authors' implementation hashes its
    /// outputs. <paramref name="outputs"/> holds the v ⊕ g on entry and is zeroed.
    /// </summary>
    internal static void Output(Span<UInt128> outputs, Span<byte> tags, Span<byte> payloadKeys)
    {
        var hashed = new UInt128[outputs.Length];
        FixedKeyHash.CircularCorrelationRobust(MemoryMarshal.AsBytes(outputs), MemoryMarshal.AsBytes(hashed.AsSpan()));
        for (var i = 0; i < outputs.Length; i++)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(tags.Slice(i * Oprf.TagSize, Oprf.TagSize), hashed[i]);
        }

        for (var half = 0; !payloadKeys.IsEmpty && half < 2; half++)
        {
            for (var i = 0; i < outputs.Length; i++)
            {
                hashed[i] = outputs[i] ^ (UInt128)(uint)(half + 1);
            }

            FixedKeyHash.CircularCorrelationRobust(MemoryMarshal.AsBytes(hashed.AsSpan()), MemoryMarshal.AsBytes(hashed.AsSpan()));
            for (var i = 0; i < outputs.Length; i++)
            {
                BinaryPrimitives.WriteUInt128LittleEndian(payloadKeys.Slice((i * Oprf.PayloadKeySize) + (half * 16), 16), hashed[i]);
            }
        }

        outputs.Clear();
        Array.Clear(hashed);
    }

    /// <summary>Runs <paramref name="body"/> over [0, count) in ranges on every core.</summary>
    internal static void ForRanges(int count, Action<int, int> body, CancellationToken cancellationToken) =>
        Parallel.For(0, (count + 4095) / 4096, new ParallelOptions { CancellationToken = cancellationToken }, b => body(b * 4096, Math.Min(count, (b + 1) * 4096)));
}

/// <summary>
/// The requester's side of a VOLE-based PSI job, bytes in and bytes out: its keys encoded at once; then the start message from the
/// provider's base-OT message; then per VOLE chunk its masked OKVS from the provider's chunk message; then the provider's tags
/// matched (and sealed rows opened) as in the other suites.
/// </summary>
/// <remarks>One call at a time. Dispose to zero the OKVS, the VOLE and the payload keys.</remarks>
public sealed class VolePsiRequester : IDisposable
{
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _keys;
    private readonly byte[] _seed = new byte[VolePsi.SeedSize];
    private readonly Aes128 _prf;
    private UInt128[] _compressed = [];
    private UInt128[] _store = [];
    private UInt128[] _c = [];
    private readonly TagMatches _matches;
    private readonly BaseOtSender _baseOt = new();
    private SilentVoleReceiver? _vole;
    private byte[] _masked = [];
    private bool _encoded;
    private int _chunks;
    private bool _tagged;

    /// <summary>
    /// A requester over its distinct keys (normalized key bytes); a match is reported by its index here. The seed is drawn now; the
    /// OKVS is encoded by <see cref="Encode"/>, which may run while the VOLE starts.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="VolePsi.MaxRequesterKeys"/> keys.</exception>
    public VolePsiRequester(IReadOnlyList<ReadOnlyMemory<byte>> keys, bool withPayloads)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count > VolePsi.MaxRequesterKeys)
        {
            throw new ArgumentException($"The VOLE suite takes at most {VolePsi.MaxRequesterKeys} keys.", nameof(keys));
        }

        _keys = keys;
        CryptoRandom.Fill(_seed);
        _prf = new Aes128(_seed);
        Parameters = new VoleParameters(BandOkvs.Size(keys.Count));
        _matches = new TagMatches(keys.Count, PayloadCipher.Open, withPayloads);
    }

    /// <summary>
    /// Hashes the keys under the seed and encodes the OKVS, before the first <see cref="Mask"/>; it needs nothing from the provider. The
    /// seed is already in the start message, so an encoding that fails (rows linearly dependent: fewer than one key set in 2^40, or a
    /// repeated key) is not retried under another seed but fails the job.
    /// </summary>
    /// <exception cref="ArgumentException">The keys could not be encoded.</exception>
    public void Encode(CancellationToken cancellationToken = default)
    {
        var size = Parameters.OutputSize;
        var compressed = VolePsi.Compress(_keys, _prf, cancellationToken);
        if (!BandOkvs.TryEncode(_keys.Count, (from, rows, values) => VolePsi.Expand(_prf, compressed.AsSpan(from, rows.Length), size, rows, values, default), size, out var store))
        {
            Array.Clear(compressed);
            throw new ArgumentException("The keys could not be encoded into the OKVS; are they distinct?");
        }

        (_compressed, _store, _encoded) = (compressed, store, true);
    }

    /// <summary>The shape of the job's VOLE (from the OKVS size, which the provider derives from the announced key count).</summary>
    public VoleParameters Parameters { get; }

    /// <summary>How many keys the session matches.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>The start message from the provider's base-OT message.</summary>
    /// <exception cref="PsiProtocolException">The provider's message is malformed.</exception>
    public byte[] Start(ReadOnlySpan<byte> providerBaseOt)
    {
        try
        {
            var (zero, one) = _baseOt.Keys(OtExtension.BaseCount, providerBaseOt);
            _vole = new SilentVoleReceiver(Parameters, zero, one);
            foreach (var key in zero.Concat(one))
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        catch (VoleProtocolException ex)
        {
            throw new PsiProtocolException(ex.Message, ex);
        }

        return [.. _baseOt.Message(), .. _seed, .. _vole.ExtensionMessage];
    }

    /// <summary>P + A over the next chunk's outputs (16 bytes each) from the provider's message for it, valid until the next call.</summary>
    /// <exception cref="PsiProtocolException">The message is malformed or comes before the start or after the last chunk.</exception>
    public ReadOnlyMemory<byte> Mask(ReadOnlyMemory<byte> chunkMessage, CancellationToken cancellationToken = default)
    {
        if (_vole is null || _chunks == Parameters.Chunks.Count)
        {
            throw new PsiProtocolException("A VOLE chunk message arrived before the start or after the last chunk.");
        }

        if (!_encoded)
        {
            throw new InvalidOperationException("The OKVS is encoded before the first chunk is masked.");
        }

        var chunk = Parameters.Chunks[_chunks];
        UInt128[] a, c;
        try
        {
            (a, c) = _vole.Chunk(chunk, chunkMessage, cancellationToken);
        }
        catch (VoleProtocolException ex)
        {
            throw new PsiProtocolException(ex.Message, ex);
        }

        if (_c.Length == 0)
        {
            // Allocated with the first chunk, not with the session, so that it does not add to the encoding's peak.
            _c = new UInt128[Parameters.OutputSize];
        }

        c.CopyTo(_c, chunk.Start);
        if (_masked.Length < chunk.Size * 16)
        {
            _masked = new byte[chunk.Size * 16];
        }

        var masked = _masked.AsSpan(0, chunk.Size * 16);
        for (var i = 0; i < chunk.Size; i++)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(masked[(i * 16)..], a[i] ^ _store[chunk.Start + i]);
        }

        Array.Clear(a);
        Array.Clear(c);
        if (++_chunks == Parameters.Chunks.Count)
        {
            // The OKVS went out whole: only C and the compressed keys are needed from here on.
            Array.Clear(_store);
            _store = [];
        }

        return _masked.AsMemory(0, chunk.Size * 16);
    }

    /// <summary>Matches one message of the provider's tags; with payloads, opens the sealed row of each match (one per tag).</summary>
    /// <exception cref="PsiProtocolException">Tags before the last chunk, not whole tags, rows missing, or a row that does not open.</exception>
    /// <remarks>The first call computes the keys' own tags, so that the last masked OKVS goes out without waiting for them.</remarks>
    public void AcceptProviderTags(ReadOnlySpan<byte> tags, IReadOnlyList<ReadOnlyMemory<byte>> sealedRows)
    {
        if (_chunks != Parameters.Chunks.Count)
        {
            throw new PsiProtocolException("The provider sent its tags before the VOLE ended.");
        }

        if (!_tagged)
        {
            TagOwnKeys(CancellationToken.None);
            _tagged = true;
        }

        _matches.Accept(tags, sealedRows);
    }

    /// <summary>The matched keys' indexes in order, each with its opened row (empty without payloads).</summary>
    /// <exception cref="PsiProtocolException">The provider sent another number of tags than the <paramref name="announced"/> size of its set.</exception>
    public IReadOnlyDictionary<int, byte[]> Finish(ulong announced) => _matches.Finish(announced);

    /// <summary>Zeroes the OKVS, the VOLE outputs, the noise and the payload keys.</summary>
    public void Dispose()
    {
        Array.Clear(_store);
        Array.Clear(_c);
        _vole?.Dispose();
        _baseOt.Dispose();
        _matches.Dispose();
        Array.Clear(_compressed);
        _prf.Dispose();
    }

    private void TagOwnKeys(CancellationToken cancellationToken)
    {
        var payloadKeys = _matches.PayloadKeys;
        VolePsi.ForRanges(_keys.Count, (from, to) =>
        {
            var (rows, outputs, tags) = (new OkvsRow[VolePsi.OutputBatch], new UInt128[VolePsi.OutputBatch], new byte[VolePsi.OutputBatch * Oprf.TagSize]);
            for (var start = from; start < to; start += VolePsi.OutputBatch)
            {
                var count = Math.Min(VolePsi.OutputBatch, to - start);
                VolePsi.Expand(_prf, _compressed.AsSpan(start, count), _c.Length, rows, default, outputs);
                for (var i = 0; i < count; i++)
                {
                    outputs[i] ^= BandOkvs.Decode(_c, rows[i]);
                }

                VolePsi.Output(outputs.AsSpan(0, count), tags.AsSpan(0, count * Oprf.TagSize),
                    payloadKeys.Length == 0 ? default : payloadKeys.AsSpan(start * Oprf.PayloadKeySize, count * Oprf.PayloadKeySize));
                lock (_matches)
                {
                    for (var i = 0; i < count; i++)
                    {
                        _matches.Add(tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize), start + i);
                    }
                }
            }

            Array.Clear(rows);
        }, cancellationToken);
        Array.Clear(_c);
        Array.Clear(_compressed);
        (_c, _compressed) = ([], []);
    }
}

/// <summary>
/// The provider's side of a VOLE-based PSI job: Δ and its base-OT message at once; the requester's start message; per VOLE chunk its
/// message out and the requester's masked OKVS in; then the tags (and payload keys) of its own keys under K.
/// </summary>
/// <remarks>One call at a time. Dispose to zero Δ, B and K.</remarks>
public sealed class VolePsiProvider : IDisposable
{
    private readonly BaseOtReceiver _baseOt;
    private readonly UInt128[] _k;
    private UInt128 _delta;
    private SilentVoleSender? _vole;
    private Aes128? _prf;
    private UInt128[]? _b;
    private int _sent;
    private int _masked;

    /// <summary>A provider for a requester that announced <paramref name="requesterKeys"/> keys.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="VolePsi.MaxRequesterKeys"/> keys.</exception>
    public VolePsiProvider(long requesterKeys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requesterKeys);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(requesterKeys, VolePsi.MaxRequesterKeys);
        Parameters = new VoleParameters(BandOkvs.Size((int)requesterKeys));
        Span<byte> random = stackalloc byte[16];
        CryptoRandom.Fill(random);
        _delta = BinaryPrimitives.ReadUInt128LittleEndian(random);
        random.Clear();
        _baseOt = new BaseOtReceiver(OtExtensionSender.BaseChoices(_delta));
        _k = new UInt128[Parameters.OutputSize];
    }

    /// <summary>The shape of the job's VOLE.</summary>
    public VoleParameters Parameters { get; }

    /// <summary>The base-OT receiver's message for the requester.</summary>
    public byte[] BaseOtMessage => _baseOt.Message.ToArray();

    /// <summary>Whether every chunk's message went out and its masked OKVS came back.</summary>
    public bool VoleDone => _masked == Parameters.Chunks.Count;

    /// <summary>Takes the requester's start message.</summary>
    /// <exception cref="PsiProtocolException">The message is malformed.</exception>
    public void Start(ReadOnlyMemory<byte> message)
    {
        if (_vole is not null || message.Length != VolePsi.StartSize(Parameters))
        {
            throw new PsiProtocolException($"The requester's VOLE start is one message of {VolePsi.StartSize(Parameters)} bytes; got {message.Length}.");
        }

        try
        {
            var keys = _baseOt.Keys(message.Span[..BaseOt.SenderMessageSize]);
            _prf = new Aes128(message.Span.Slice(BaseOt.SenderMessageSize, VolePsi.SeedSize));
            _vole = new SilentVoleSender(Parameters, _delta, keys);
            foreach (var key in keys)
            {
                CryptographicOperations.ZeroMemory(key);
            }

            _vole.AcceptExtension(message[(BaseOt.SenderMessageSize + VolePsi.SeedSize)..]);
        }
        catch (VoleProtocolException ex)
        {
            throw new PsiProtocolException(ex.Message, ex);
        }
    }

    /// <summary>The message of the next chunk, or null once all went out; each must be answered (<see cref="AcceptMasked"/>) before the next.</summary>
    /// <exception cref="InvalidOperationException">Before the start, or before the last chunk was answered.</exception>
    public byte[]? NextChunk(CancellationToken cancellationToken = default)
    {
        if (_vole is null || _b is not null)
        {
            throw new InvalidOperationException("A chunk goes out after the start and after the previous chunk was answered.");
        }

        if (_sent == Parameters.Chunks.Count)
        {
            return null;
        }

        (var message, _b) = _vole.Chunk(Parameters.Chunks[_sent++], cancellationToken);
        return message;
    }

    /// <summary>Takes the requester's P + A over the chunk just sent: K = B + Δ·(P + A) there.</summary>
    /// <exception cref="PsiProtocolException">Not one 16-byte element per output of the chunk, or no chunk outstanding.</exception>
    public void AcceptMasked(ReadOnlyMemory<byte> masked, CancellationToken cancellationToken = default)
    {
        var b = _b ?? throw new PsiProtocolException("A masked OKVS arrived with no VOLE chunk outstanding.");
        var chunk = Parameters.Chunks[_sent - 1];
        if (masked.Length != chunk.Size * 16)
        {
            throw new PsiProtocolException($"The masked OKVS of chunk {chunk.Index} is {chunk.Size * 16} bytes; got {masked.Length}.");
        }

        var delta = _delta;
        VolePsi.ForRanges(chunk.Size, (from, to) =>
        {
            for (var i = from; i < to; i++)
            {
                _k[chunk.Start + i] = b[i] ^ Gf128.Multiply(delta, BinaryPrimitives.ReadUInt128LittleEndian(masked.Span.Slice(i * 16, 16)));
            }
        }, cancellationToken);
        Array.Clear(b);
        _b = null;
        _masked++;
    }

    /// <summary>The tags (<see cref="Oprf.TagSize"/> each) and, when <paramref name="payloadKeys"/> is not empty, the payload keys of <paramref name="keys"/>.</summary>
    /// <exception cref="InvalidOperationException">Before the VOLE ended.</exception>
    public void Tag(IReadOnlyList<ReadOnlyMemory<byte>> keys, Span<byte> tags, Span<byte> payloadKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!VoleDone)
        {
            throw new InvalidOperationException("Tags are computed after the VOLE.");
        }

        var compressed = VolePsi.Compress(keys, _prf!, cancellationToken);
        var (rows, values, outputs) = (new OkvsRow[VolePsi.OutputBatch], new UInt128[VolePsi.OutputBatch], new UInt128[VolePsi.OutputBatch]);
        for (var start = 0; start < keys.Count; start += VolePsi.OutputBatch)
        {
            var count = Math.Min(VolePsi.OutputBatch, keys.Count - start);
            VolePsi.Expand(_prf!, compressed.AsSpan(start, count), _k.Length, rows, values, outputs);
            for (var i = 0; i < count; i++)
            {
                outputs[i] ^= BandOkvs.Decode(_k, rows[i]) ^ Gf128.Multiply(_delta, values[i]);
            }

            VolePsi.Output(outputs.AsSpan(0, count), tags.Slice(start * Oprf.TagSize, count * Oprf.TagSize),
                payloadKeys.IsEmpty ? default : payloadKeys.Slice(start * Oprf.PayloadKeySize, count * Oprf.PayloadKeySize));
        }

        Array.Clear(compressed);
        Array.Clear(rows);
        Array.Clear(values);
    }

    /// <summary>Seals a psi-payload row under a payload key, bound to its tag (AES-256-GCM, as the other suites).</summary>
    public static byte[] Seal(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> plaintext) => PayloadCipher.Seal(payloadKey, matchTag, plaintext);

    /// <summary>Zeroes Δ, B and K.</summary>
    public void Dispose()
    {
        _delta = UInt128.Zero;
        Array.Clear(_k);
        if (_b is not null)
        {
            Array.Clear(_b);
        }

        _vole?.Dispose();
        _prf?.Dispose();
        _baseOt.Dispose();
    }
}
