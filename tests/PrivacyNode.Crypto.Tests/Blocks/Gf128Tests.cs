using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Tests.Blocks;

/// <summary>
/// GF(2^128) multiplication against a bit-by-bit model, the field's defining identity, and GCM's GHASH test vector (GHASH uses this
/// field, with the bits of each byte in the other order).
/// </summary>
public sealed class Gf128Tests
{
    /// <summary>x^-128, by the model: x^-1 is x^127 + x^6 + x + 1 (x times it is the field polynomial plus 1), to the 128th power.</summary>
    private static readonly UInt128 XInverse128 = Power((UInt128.One << 127) | 0x43, 128);

    [Fact]
    public void GcmTestCase2_Ghash()
    {
        // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 2: K = 0, P = 0^128, IV = 0^96. GHASH works in this
        // field with each byte's bits in the other order (its first bit is the coefficient of x^0), so its blocks are reflected here.
        using var aes = new Aes128(new byte[16]);
        var hBytes = new byte[16];
        aes.Encrypt(hBytes, hBytes);
        Assert.Equal("66e94bd4ef8a2c3b884cfa59ca342b2e", Convert.ToHexStringLower(hBytes));

        var h = Reflected(Convert.ToHexStringLower(hBytes));
        UInt128 y = 0;
        foreach (var block in new[] { "0388dace60b6a392f328c2b971b2fe78", "00000000000000000000000000000080" })
        {
            y = Gf128.Multiply(y ^ Reflected(block), h);
        }

        Assert.Equal("f38cbb1ad69223dcc3457ae5b6b0f885", ReflectedHex(y));
    }

    [Fact]
    public void X128_IsTheReductionPolynomialsTail()
    {
        Assert.Equal((UInt128)0x87, Gf128.Multiply(UInt128.One << 127, 2));
        Assert.Equal(UInt128.One, Gf128.Multiply(XInverse128, 0x87));
    }

    [Fact]
    public void Products_MatchTheBitByBitModel_AndTheFieldLaws()
    {
        var seed = new byte[32];
        for (var trial = 0; trial < 300; trial++)
        {
            seed[0] = (byte)trial;
            seed[1] = (byte)(trial >> 8);
            var bytes = SHA256.HashData(seed);
            seed[31] = 1;
            var more = SHA256.HashData(seed);
            seed[31] = 0;
            var a = Read(bytes, 0);
            var b = Read(bytes, 16);
            var c = Read(more, 0);

            Assert.Equal(Model(a, b), Gf128.Multiply(a, b));
            Assert.Equal(Gf128.Multiply(a, b), Gf128.Multiply(b, a));
            Assert.Equal(Gf128.Multiply(a, b ^ c), Gf128.Multiply(a, b) ^ Gf128.Multiply(a, c));
            Assert.Equal(a, Gf128.Multiply(a, UInt128.One));
            Assert.Equal(UInt128.Zero, Gf128.Multiply(a, UInt128.Zero));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(300)]
    public void InnerProduct_IsTheSumOfTheProducts_WithOrWithoutPclmul(int length)
    {
        var a = new UInt128[length];
        var b = new UInt128[length];
        UInt128 expected = 0;
        var seed = new byte[32];
        for (var i = 0; i < length; i++)
        {
            seed[0] = (byte)i;
            seed[1] = (byte)(i >> 8);
            seed[2] = (byte)length;
            var bytes = SHA256.HashData(seed);
            (a[i], b[i]) = (Read(bytes, 0), Read(bytes, 16));
            expected ^= Model(a[i], b[i]);
        }

        Assert.Equal(expected, Gf128.InnerProduct(a, b));
        Assert.Equal(expected, Gf128.InnerProductPortable(a, b));
        Assert.Throws<ArgumentException>(() => Gf128.InnerProduct(a, new UInt128[length + 1]));
    }

    [Fact]
    public void PortableCarrylessMultiply_MatchesTheSchoolbookProduct()
    {
        var seed = new byte[32];
        for (var trial = 0; trial < 200; trial++)
        {
            seed[0] = (byte)trial;
            var bytes = SHA256.HashData(seed);
            var a = BitConverter.ToUInt64(bytes, 0);
            var b = BitConverter.ToUInt64(bytes, 8);
            UInt128 expected = 0;
            for (var i = 0; i < 64; i++)
            {
                if (((b >> i) & 1) == 1)
                {
                    expected ^= (UInt128)a << i;
                }
            }

            var (low, high) = Gf128.ClmulPortable(a, b);
            Assert.Equal(expected, ((UInt128)high << 64) | low);
        }
    }

    private static UInt128 Power(UInt128 a, int exponent)
    {
        UInt128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result = Model(result, a);
        }

        return result;
    }

    /// <summary>Schoolbook: shift-and-add with a reduction at every step.</summary>
    private static UInt128 Model(UInt128 a, UInt128 b)
    {
        UInt128 product = 0;
        for (var i = 0; i < 128; i++)
        {
            if (((b >> i) & 1) == 1)
            {
                product ^= a;
            }

            var carry = (a >> 127) == 1;
            a <<= 1;
            if (carry)
            {
                a ^= 0x87;
            }
        }

        return product;
    }

    private static UInt128 Read(byte[] bytes, int offset) => System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes.AsSpan(offset, 16));

    /// <summary>A GHASH block as an element here: the bits of each byte reversed, then read little-endian.</summary>
    private static UInt128 Reflected(string hex) => Read([.. Convert.FromHexString(hex).Select(ReverseBits)], 0);

    private static string ReflectedHex(UInt128 value)
    {
        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(bytes, value);
        return Convert.ToHexStringLower([.. bytes.Select(ReverseBits)]);
    }

    private static byte ReverseBits(byte b)
    {
        var r = 0;
        for (var i = 0; i < 8; i++)
        {
            r |= ((b >> i) & 1) << (7 - i);
        }

        return (byte)r;
    }
}
