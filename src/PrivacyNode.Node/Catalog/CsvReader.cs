using System.Text;

namespace PrivacyNode.Node.Catalog;

/// <summary>
/// RFC 4180 CSV with a header row: fields separated by commas, optionally quoted with <c>"</c> (a quote
/// inside is doubled), records ending in CRLF or LF, quoted fields may span lines. Every record must have as
/// many fields as the header. Bytes that are not valid in the declared encoding (UTF-8 or GB18030) are an
/// error, never replaced. Streams: memory does not grow with the file.
/// </summary>
public sealed class CsvReader : ITabularReader
{
    private readonly TextReader _reader;
    private readonly string _name;
    private readonly List<string> _fields = [];
    private readonly StringBuilder _field = new();
    private static readonly System.Buffers.SearchValues<char> UnquotedEnds = System.Buffers.SearchValues.Create(",\r\n\"");
    private readonly char[] _buffer = new char[64 * 1024];
    private int _length;
    private int _offset;
    private long _line = 1;
    private long _recordLine;

    private CsvReader(TextReader reader, string name, IReadOnlyList<string> columns)
    {
        _reader = reader;
        _name = name;
        Columns = columns;
    }

    public IReadOnlyList<string> Columns { get; private set; }

    public IReadOnlyList<string> Current => _fields;

    public string Position => $"{_name} line {_recordLine}";

    /// <summary>The encodings accepted: <c>utf-8</c> and <c>gb18030</c>.</summary>
    public static Encoding GetEncoding(string? name)
    {
        switch ((name ?? string.Empty).Trim().ToLowerInvariant())
        {
            case "":
            case "utf-8":
            case "utf8":
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            case "gb18030":
                Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
                return Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            default:
                throw new DataSourceException($"Encoding '{name}' is not supported; use utf-8 or gb18030.");
        }
    }

    /// <summary>Opens <paramref name="path"/> and reads its header.</summary>
    /// <exception cref="DataSourceException">Missing file, bad encoding, or a malformed or empty header.</exception>
    public static async Task<CsvReader> OpenAsync(string path, string? encoding, CancellationToken cancellationToken)
    {
        var textEncoding = GetEncoding(encoding);
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DataSourceException($"Cannot open CSV file '{path}': {ex.Message}", ex);
        }

        var reader = new CsvReader(new StreamReader(stream, textEncoding, detectEncodingFromByteOrderMarks: false), Path.GetFileName(path), []);
        try
        {
            if (!await reader.ReadRecordAsync(cancellationToken))
            {
                throw new DataSourceException($"{Path.GetFileName(path)} is empty; a CSV file needs a header row.");
            }

            var header = reader._fields.ToArray();
            if (header.Length > 0 && header[0].StartsWith('\uFEFF'))
            {
                header[0] = header[0][1..];
            }

            for (var i = 0; i < header.Length; i++)
            {
                header[i] = header[i].Trim();
                if (header[i].Length == 0)
                {
                    throw new DataSourceException($"{reader.Position}: header column {i + 1} has no name.");
                }

                if (Array.IndexOf(header, header[i], 0, i) >= 0)
                {
                    throw new DataSourceException($"{reader.Position}: column name '{header[i]}' appears twice in the header.");
                }
            }

            reader.Columns = header;
            return reader;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken) =>
        TryReadBufferedLine() ? new ValueTask<bool>(CheckFieldCount()) : ReadRecordCheckedAsync(cancellationToken);

    private async ValueTask<bool> ReadRecordCheckedAsync(CancellationToken cancellationToken) =>
        await ReadRecordAsync(cancellationToken) && CheckFieldCount();

    private bool CheckFieldCount() => _fields.Count == Columns.Count
        ? true
        : throw new DataSourceException($"{Position}: {_fields.Count} fields, but the header has {Columns.Count}.");

    /// <summary>
    /// The common case without a state machine: a whole non-blank line already in the buffer, with no quote and no
    /// lone carriage return, split at its commas. False leaves everything to <see cref="ReadRecordAsync"/>, which reads
    /// every other case to the same fields.
    /// </summary>
    private bool TryReadBufferedLine()
    {
        var rest = _buffer.AsSpan(_offset, _length - _offset);
        var newline = rest.IndexOf('\n');
        if (newline <= 0)
        {
            return false;
        }

        var line = rest[..newline];
        if (line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (line.IsEmpty || line.IndexOfAny('"', '\r') >= 0)
        {
            return false;
        }

        _fields.Clear();
        foreach (var range in line.Split(','))
        {
            _fields.Add(new string(line[range]));
        }

        _offset += newline + 1;
        _recordLine = _line++;
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<int> PeekAsync(CancellationToken cancellationToken)
    {
        if (_offset == _length)
        {
            try
            {
                _length = await _reader.ReadAsync(_buffer, cancellationToken);
            }
            catch (DecoderFallbackException ex)
            {
                throw new DataSourceException($"{_name} near line {_line}: bytes that are not valid in the declared encoding (try --encoding gb18030 or utf-8).", ex);
            }

            _offset = 0;
            if (_length == 0)
            {
                return -1;
            }
        }

        return _buffer[_offset];
    }

    /// <summary>Reads one record into <see cref="_fields"/>; false at end of input. Skips blank lines between records.</summary>
    private async ValueTask<bool> ReadRecordAsync(CancellationToken cancellationToken)
    {
        _fields.Clear();
        int c;
        while ((c = await PeekAsync(cancellationToken)) is '\r' or '\n')
        {
            _offset++;
            if (c == '\n')
            {
                _line++;
            }
        }

        if (c < 0)
        {
            return false;
        }

        _recordLine = _line;
        while (true)
        {
            _field.Clear();
            c = await PeekAsync(cancellationToken);
            if (c == '"')
            {
                _offset++;
                while (true)
                {
                    c = await PeekAsync(cancellationToken);
                    if (c < 0)
                    {
                        throw new DataSourceException($"{Position}: a quoted field is not closed before the end of the file.");
                    }

                    _offset++;
                    if (c == '"')
                    {
                        if (await PeekAsync(cancellationToken) == '"')
                        {
                            _offset++;
                            _field.Append('"');
                            continue;
                        }

                        break;
                    }

                    if (c == '\n')
                    {
                        _line++;
                    }

                    _field.Append((char)c);
                }

                c = await PeekAsync(cancellationToken);
                if (c is not (',' or '\r' or '\n' or -1))
                {
                    throw new DataSourceException($"{Position}: unexpected '{(char)c}' after a closing quote (a quote inside a quoted field is written \"\").");
                }

                _fields.Add(_field.ToString());
            }
            else
            {
                _fields.Add(await ReadUnquotedAsync(cancellationToken));
                c = await PeekAsync(cancellationToken);
            }

            if (c == ',')
            {
                _offset++;
                continue;
            }

            if (c == '\r')
            {
                _offset++;
                if (await PeekAsync(cancellationToken) == '\n')
                {
                    _offset++;
                }

                _line++;
            }
            else if (c == '\n')
            {
                _offset++;
                _line++;
            }

            return true;
        }
    }

    /// <summary>An unquoted field, a buffer's run at a time up to the next delimiter, which is left unread.</summary>
    private async ValueTask<string> ReadUnquotedAsync(CancellationToken cancellationToken)
    {
        _field.Clear();
        while (await PeekAsync(cancellationToken) >= 0)
        {
            var rest = _buffer.AsSpan(_offset, _length - _offset);
            var end = rest.IndexOfAny(UnquotedEnds);
            if (end >= 0 && rest[end] == '"')
            {
                throw new DataSourceException($"{Position}: a quote inside an unquoted field (quote the whole field and double the quote).");
            }

            var run = end < 0 ? rest : rest[..end];
            _offset += run.Length;
            if (end >= 0 && _field.Length == 0)
            {
                return new string(run);
            }

            _field.Append(run);
            if (end >= 0)
            {
                break;
            }
        }

        return _field.ToString();
    }
}
