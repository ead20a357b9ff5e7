using Google.Protobuf;
using Spectre.Console;

namespace PrivacyNode.Cli;

/// <summary>Where commands write: tables and sentences for people, or one JSON document per result with --json.</summary>
internal sealed class CliOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private readonly CliEnvironment _environment;

    public CliOutput(CliEnvironment environment, bool json)
    {
        _environment = environment;
        Json = json;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Output),
            Ansi = environment.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = environment.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        IsTerminal = environment.IsTerminal;
        if (!environment.IsTerminal)
        {
            Console.Profile.Width = 240;
        }
    }

    /// <summary>Whether --json was given.</summary>
    public bool Json { get; }

    /// <summary>Whether people watch the output live (progress bars instead of one line per update).</summary>
    public bool IsTerminal { get; }

    /// <summary>The console for tables and markup (people's output).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Writes <paramref name="message"/> as one line of proto3 JSON.</summary>
    public void WriteJson(IMessage message) => _environment.Output.WriteLine(Formatter.Format(message));

    /// <summary>Writes plain text (no markup).</summary>
    public void WriteLine(string text) => _environment.Output.WriteLine(text);

    /// <summary>Writes a table of rows with the given column headers.</summary>
    public void WriteTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Minimal);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)));
        }

        var any = false;
        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => new Spectre.Console.Text(cell)).ToArray());
            any = true;
        }

        if (!any)
        {
            WriteLine("(none)");
            return;
        }

        // Render off-screen, then drop the border's blank first and last lines and trailing padding.
        var buffer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(buffer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = Console.Profile.Width;
        console.Write(table);
        var lines = buffer.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        foreach (var line in lines.SkipWhile(string.IsNullOrEmpty).Reverse().SkipWhile(string.IsNullOrEmpty).Reverse())
        {
            WriteLine(line);
        }
    }
}
