using System.Security.Cryptography;
using System.Text;
using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Tests.Ristretto;

/// <summary>The published test vectors: RFC 9496 appendix A, RFC 9380 appendix K.3, RFC 9497 appendix A.1.1.</summary>
public sealed class RistrettoVectorTests
{
    /// <summary>RFC 9496 A.1: the encodings of 0·B to 15·B.</summary>
    public static readonly string[] GeneratorMultiples =
    [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
        "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
        "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
        "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
        "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
        "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
        "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
        "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
        "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
        "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
        "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
        "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
        "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
        "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
        "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
    ];

    /// <summary>RFC 9496 A.2: strings that are not encodings of any element.</summary>
    public static TheoryData<string> InvalidEncodings => new(
        // Non-canonical field encodings.
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        // Negative field elements.
        "0100000000000000000000000000000000000000000000000000000000000000",
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
        "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
        "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
        "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
        "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
        "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
        // Non-square x².
        "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
        "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
        "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
        "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
        "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
        "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
        "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
        "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
        // Negative xy value.
        "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
        "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
        "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
        "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
        "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
        "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
        "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
        "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
        // s = -1, which causes y = 0.
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

    /// <summary>RFC 9496 A.3: SHA-512 of each label through the one-way map.</summary>
    public static TheoryData<string, string> OneWayMap => new()
    {
        { "Ristretto is traditionally a short shot of espresso coffee", "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46" },
        { "made with the normal amount of ground coffee but extracted with", "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b" },
        { "about half the amount of water in the same amount of time", "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826" },
        { "by using a finer grind.", "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a" },
        { "This produces a concentrated shot of coffee per volume.", "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179" },
        { "Just pulling a normal shot short will produce a weaker shot", "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628" },
        { "and is not a Ristretto as some believe.", "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065" },
    };

    /// <summary>RFC 9380 K.3: expand_message_xmd(SHA-512) with DST QUUX-V01-CS02-with-expander-SHA512-256.</summary>
    public static TheoryData<string, int, string> ExpandVectors => new()
    {
        { "", 0x20, "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba" },
        { "abc", 0x20, "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc" },
        { "abcdef0123456789", 0x20, "087e45a86e2939ee8b91100af1583c4938e0f5fc6c9db4b107b83346bc967f58" },
        {
            "abc", 0x80,
            "7f1dddd13c08b543f2e2037b14cefb255b44c83cc397c1786d975653e36a6b11bdd7732d8b38adb4a0edc26a0cef4bb45217135456e58fbca1703cd6032cb134" +
            "7ee720b87972d63fbf232587043ed2901bce7f22610c0419751c065922b488431851041310ad659e4b23520e1772ab29dcdeb2002222a363f0c2b1c972b3efe1"
        },
    };

    [Fact]
    public void GeneratorMultiples_EncodeAsPublished()
    {
        var sum = RistrettoPoint.Identity;
        for (var i = 0; i < GeneratorMultiples.Length; i++)
        {
            Assert.Equal(GeneratorMultiples[i], Convert.ToHexStringLower(sum.ToArray()));
            using var k = SmallScalar(i);
            Assert.Equal(GeneratorMultiples[i], Convert.ToHexStringLower(RistrettoPoint.Generator.Multiply(k).ToArray()));
            Assert.True(RistrettoPoint.TryDecode(Convert.FromHexString(GeneratorMultiples[i]), out var decoded));
            Assert.Equal(sum, decoded);
            sum = sum.Add(RistrettoPoint.Generator);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidEncodings))]
    public void InvalidEncoding_IsRejected(string hex)
    {
        Assert.False(RistrettoPoint.TryDecode(Convert.FromHexString(hex), out _));
        Assert.Throws<FormatException>(() => RistrettoPoint.Decode(Convert.FromHexString(hex)));
    }

    /// <summary>The batch paths across several exponentiation chunks: each result equals the one-at-a-time path's.</summary>
    [Fact]
    public void GeneratorMultiples_EncodeAndDecodeAsPublishedInABatch()
    {
        const int count = 150;
        var elements = new RistrettoPoint[count];
        for (var i = 0; i < count; i++)
        {
            elements[i] = RistrettoPoint.Decode(Convert.FromHexString(GeneratorMultiples[i % GeneratorMultiples.Length]));
        }

        var encoded = new byte[count * RistrettoPoint.Size];
        RistrettoPoint.EncodeBatch(elements, encoded);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(GeneratorMultiples[i % GeneratorMultiples.Length], Convert.ToHexStringLower(encoded.AsSpan(i * RistrettoPoint.Size, RistrettoPoint.Size)));
        }

        var decoded = new RistrettoPoint[count];
        Assert.True(RistrettoPoint.TryDecodeBatch(encoded, decoded, out var invalid));
        Assert.Equal(-1, invalid);
        Assert.Equal(elements, decoded);
    }

    [Theory]
    [MemberData(nameof(InvalidEncodings))]
    public void InvalidEncoding_IsRejectedInABatchAtItsIndex(string hex)
    {
        const int count = 100;
        var batch = new byte[count * RistrettoPoint.Size];
        for (var i = 0; i < count; i++)
        {
            Convert.FromHexString(GeneratorMultiples[1 + (i % 15)]).CopyTo(batch, i * RistrettoPoint.Size);
        }

        Convert.FromHexString(hex).CopyTo(batch, 70 * RistrettoPoint.Size);

        Assert.False(RistrettoPoint.TryDecodeBatch(batch, new RistrettoPoint[count], out var invalid));
        Assert.Equal(70, invalid);
    }

    [Fact]
    public void HashToGroup_InABatchEqualsOneAtATime()
    {
        byte[][] messages = [.. Enumerable.Range(0, 150).Select(i => Encoding.ASCII.GetBytes($"key-{i}"))];
        var batch = new RistrettoPoint[messages.Length];
        RistrettoPoint.HashToGroupBatch(messages, "PrivacyNode-test"u8, batch);

        Assert.Equal(messages.Select(m => RistrettoPoint.HashToGroup(m, "PrivacyNode-test"u8)), batch);
    }

    [Theory]
    [MemberData(nameof(OneWayMap))]
    public void OneWayMap_MatchesRfc9496(string label, string expected)
    {
        var element = RistrettoPoint.FromUniformBytes(SHA512.HashData(Encoding.ASCII.GetBytes(label)));

        Assert.Equal(expected, Convert.ToHexStringLower(element.ToArray()));
    }

    [Theory]
    [MemberData(nameof(ExpandVectors))]
    public void ExpandMessageXmd_MatchesRfc9380(string message, int length, string expected)
    {
        var output = new byte[length];

        ExpandMessageXmd.Sha512(Encoding.ASCII.GetBytes(message), "QUUX-V01-CS02-with-expander-SHA512-256"u8, output);

        Assert.Equal(expected, Convert.ToHexStringLower(output));
    }

    /// <summary>RFC 9497 A.1.1 (OPRF, ristretto255-SHA512, base mode): key derivation, hash-to-group, blinding, evaluation, unblinding.</summary>
    [Theory]
    [InlineData("00", "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c", "7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e",
        "527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6")]
    [InlineData("5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418", "b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25",
        "f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73")]
    public void Oprf_MatchesRfc9497(string input, string blindedElement, string evaluationElement, string output)
    {
        var context = "OPRFV1-\0-ristretto255-SHA512"u8.ToArray();
        using var key = DeriveKey(Convert.FromHexString("a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3"), "test key"u8, context);
        Assert.Equal("5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e", Hex(key));
        Assert.True(Scalar.TryDecode(Convert.FromHexString("64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706"), out var blind));
        var inputBytes = Convert.FromHexString(input);

        var element = RistrettoPoint.HashToGroup(inputBytes, [.. "HashToGroup-"u8, .. context]);
        var blinded = element.Multiply(blind);
        var evaluated = RistrettoPoint.Decode(blinded.ToArray()).Multiply(key);
        using var inverse = blind.Invert();
        var unblinded = evaluated.Multiply(inverse).ToArray();
        byte[] transcript = [0, (byte)inputBytes.Length, .. inputBytes, 0, 32, .. unblinded, .. "Finalize"u8];

        Assert.Equal(blindedElement, Convert.ToHexStringLower(blinded.ToArray()));
        Assert.Equal(evaluationElement, Convert.ToHexStringLower(evaluated.ToArray()));
        Assert.Equal(output, Convert.ToHexStringLower(SHA512.HashData(transcript)));
        blind.Dispose();
    }

    /// <summary>RFC 9497 section 3.2.1 DeriveKeyPair.</summary>
    private static Scalar DeriveKey(byte[] seed, ReadOnlySpan<byte> info, byte[] context)
    {
        byte[] deriveInput = [.. seed, 0, (byte)info.Length, .. info];
        var uniform = new byte[64];
        for (byte counter = 0; ; counter++)
        {
            ExpandMessageXmd.Sha512([.. deriveInput, counter], [.. "DeriveKeyPair"u8, .. context], uniform);
            var key = Scalar.FromUniformBytes(uniform);
            if (!key.IsZero)
            {
                return key;
            }
        }
    }

    private static Scalar SmallScalar(int value)
    {
        var bytes = new byte[Scalar.Size];
        bytes[0] = (byte)value;
        Assert.True(Scalar.TryDecode(bytes, out var scalar));
        return scalar;
    }

    private static string Hex(Scalar scalar)
    {
        var bytes = new byte[Scalar.Size];
        scalar.Encode(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
