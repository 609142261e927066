using System.Globalization;
using AudioThinker.Abstractions;

namespace AudioThinker.Data.Synthetic;

/// <summary>
/// One kind of synthetic question. Its level is the number of reasoning steps it needs; its facts are the
/// intermediate quantities, which the reference reasoning states one per sentence as "name: value." (the fact name
/// with spaces for underscores) before a conclusion that ends "so the answer is X.".
/// </summary>
/// <param name="Name">Template name (the question's sub-category).</param>
/// <param name="Category">Family: pitch, loudness, count or compare (the question's category).</param>
/// <param name="Level">Easy, medium or hard.</param>
/// <param name="Text">The question text.</param>
/// <param name="Choices">The options, given the settings (counts depend on the beep range).</param>
/// <param name="Accepts">Whether a scene can be asked this question (e.g. two beeps for first-versus-last).</param>
/// <param name="Facts">The facts of a scene, in reasoning order.</param>
/// <param name="Answer">The right answer for a scene.</param>
/// <param name="Conclusion">The last sentence of the reasoning, from the facts to the answer.</param>
public sealed record QuestionTemplate(
    string Name,
    string Category,
    Difficulty Level,
    string Text,
    Func<SyntheticOptions, IReadOnlyList<string>> Choices,
    Func<Scene, bool> Accepts,
    Func<Scene, IReadOnlyList<KeyValuePair<string, string>>> Facts,
    Func<Scene, string> Answer,
    Func<Scene, string> Conclusion)
{
    /// <summary>
    /// Whether the template is in the default set (an empty <see cref="SyntheticOptions.Templates"/>). The extra ones are
    /// chosen by name, so adding a template never changes a set someone has already generated with the defaults.
    /// </summary>
    public bool InDefaultSet { get; init; } = true;

    /// <summary>The reference reasoning for a scene: every fact as "name: value.", then the conclusion.</summary>
    public string Reasoning(Scene scene) =>
        string.Join(" ", Facts(scene).Select(f => $"{f.Key.Replace('_', ' ')}: {f.Value}.")) + " " + Conclusion(scene);
}

/// <summary>The synthetic question templates: three per level in the default set, and eight extra hard ones.</summary>
public static class QuestionTemplates
{
    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static IReadOnlyList<string> Range(int from, int to) => Enumerable.Range(from, to - from + 1).Select(N).ToList();

    private static KeyValuePair<string, string> Fact(string name, string value) => new(name, value);

    private static string Pitches(Scene s) => string.Join(" ", s.Beeps.Select(b => b.Pitch));

    private static string Loudnesses(Scene s) => string.Join(" ", s.Beeps.Select(b => b.Loudness));

    private static int High(Scene s) => s.Beeps.Count(b => b.High);

    private static int Loud(Scene s) => s.Beeps.Count(b => b.Loud);

    private static int LoudHigh(Scene s) => s.Beeps.Count(b => b.Loud && b.High);

    private static string Compare(int a, int b) => a > b ? "more than" : a < b ? "less than" : "equal to";

    private static string More(int a, int b, string first, string second) => a > b ? first : a < b ? second : "same";

    private static int PitchChanges(Scene s) => s.Beeps.Zip(s.Beeps.Skip(1)).Count(p => p.First.High != p.Second.High);

    private static int MatchFirst(Scene s) => s.Beeps.Count(b => b.High == s.Beeps[0].High);

    private static string Parity(int n) => n % 2 == 0 ? "even" : "odd";

    private static int HighTimesLow(Scene s) => High(s) * (s.Beeps.Count - High(s));

    // Every product h·(n − h) a clip of MinBeeps..MaxBeeps beeps can give, ascending.
    private static IReadOnlyList<string> Products(SyntheticOptions o) =>
        Enumerable.Range(o.MinBeeps, o.MaxBeeps - o.MinBeeps + 1).SelectMany(n => Enumerable.Range(0, n + 1).Select(h => h * (n - h))).Distinct().Order().Select(N).ToList();

    // Of three pitches, the one that differs from the other two ("none" when all three match).
    private static string OddOneOut(Scene s) =>
        s.Beeps[0].High == s.Beeps[1].High ? (s.Beeps[0].High == s.Beeps[2].High ? "none" : "third") : s.Beeps[0].High == s.Beeps[2].High ? "second" : "first";

    private static readonly Func<Scene, bool> Any = _ => true;

    /// <summary>"so the answer is X."</summary>
    public static string SoTheAnswerIs(string answer) => $"so the answer is {answer}.";

    /// <summary>Every template, easy first.</summary>
    public static readonly IReadOnlyList<QuestionTemplate> All =
    [
        // Easy: one fact read off the audio.
        new("first_pitch", "pitch", Difficulty.Easy, "is the first beep high or low?", _ => ["high", "low"], Any,
            s => [Fact("first_beep_pitch", s.Beeps[0].Pitch)], s => s.Beeps[0].Pitch, s => SoTheAnswerIs(s.Beeps[0].Pitch)),
        new("last_pitch", "pitch", Difficulty.Easy, "is the last beep high or low?", _ => ["high", "low"], Any,
            s => [Fact("last_beep_pitch", s.Beeps[^1].Pitch)], s => s.Beeps[^1].Pitch, s => SoTheAnswerIs(s.Beeps[^1].Pitch)),
        new("first_loudness", "loudness", Difficulty.Easy, "is the first beep loud or quiet?", _ => ["loud", "quiet"], Any,
            s => [Fact("first_beep_loudness", s.Beeps[0].Loudness)], s => s.Beeps[0].Loudness, s => SoTheAnswerIs(s.Beeps[0].Loudness)),

        // Medium: one count, or two facts compared.
        new("count_beeps", "count", Difficulty.Medium, "how many beeps are there?", o => Range(o.MinBeeps, o.MaxBeeps), Any,
            s => [Fact("sequence", Pitches(s)), Fact("beeps", N(s.Beeps.Count))], s => N(s.Beeps.Count), s => SoTheAnswerIs(N(s.Beeps.Count))),
        new("count_high", "count", Difficulty.Medium, "how many high beeps are there?", o => Range(0, o.MaxBeeps), Any,
            s => [Fact("sequence", Pitches(s)), Fact("high_beeps", N(High(s)))], s => N(High(s)), s => SoTheAnswerIs(N(High(s)))),
        new("same_pitch", "pitch", Difficulty.Medium, "do the first and last beeps have the same pitch?", _ => ["yes", "no"], s => s.Beeps.Count >= 2,
            s => [Fact("first_beep_pitch", s.Beeps[0].Pitch), Fact("last_beep_pitch", s.Beeps[^1].Pitch)],
            s => s.Beeps[0].High == s.Beeps[^1].High ? "yes" : "no",
            s => $"{s.Beeps[0].Pitch} is {(s.Beeps[0].High == s.Beeps[^1].High ? "" : "not ")}{s.Beeps[^1].Pitch}, {SoTheAnswerIs(s.Beeps[0].High == s.Beeps[^1].High ? "yes" : "no")}"),

        // Hard: several facts combined — two counts and a comparison, or a count over two attributes.
        new("more_pitch", "compare", Difficulty.Hard, "are there more high beeps or more low beeps?", _ => ["high", "low", "same"], Any,
            s => [Fact("sequence", Pitches(s)), Fact("high_beeps", N(High(s))), Fact("low_beeps", N(s.Beeps.Count - High(s)))],
            s => More(High(s), s.Beeps.Count - High(s), "high", "low"),
            s => $"{N(High(s))} is {Compare(High(s), s.Beeps.Count - High(s))} {N(s.Beeps.Count - High(s))}, {SoTheAnswerIs(More(High(s), s.Beeps.Count - High(s), "high", "low"))}"),
        new("more_loudness", "compare", Difficulty.Hard, "are there more loud beeps or more quiet beeps?", _ => ["loud", "quiet", "same"], Any,
            s => [Fact("sequence", Loudnesses(s)), Fact("loud_beeps", N(Loud(s))), Fact("quiet_beeps", N(s.Beeps.Count - Loud(s)))],
            s => More(Loud(s), s.Beeps.Count - Loud(s), "loud", "quiet"),
            s => $"{N(Loud(s))} is {Compare(Loud(s), s.Beeps.Count - Loud(s))} {N(s.Beeps.Count - Loud(s))}, {SoTheAnswerIs(More(Loud(s), s.Beeps.Count - Loud(s), "loud", "quiet"))}"),
        new("count_loud_high", "count", Difficulty.Hard, "how many beeps are both loud and high?", o => Range(0, o.MaxBeeps), Any,
            s => [Fact("sequence", string.Join(", ", s.Beeps.Select(b => $"{b.Loudness} {b.Pitch}"))), Fact("loud_high_beeps", N(LoudHigh(s)))],
            s => N(LoudHigh(s)), s => SoTheAnswerIs(N(LoudHigh(s)))),

        // Extra hard ones, pitch only and without a holistic shortcut: the overall balance of high and low energy, which
        // answers more_pitch directly, says nothing about a parity or about how often the pitch changes, so a direct
        // answer must do the whole count inside one pass while the chain writes the sequence down first.
        new("high_parity", "parity", Difficulty.Hard, "is the number of high beeps odd or even?", _ => ["odd", "even"], Any,
            s => [Fact("sequence", Pitches(s)), Fact("high_beeps", N(High(s)))], s => Parity(High(s)),
            s => $"{N(High(s))} is {Parity(High(s))}, {SoTheAnswerIs(Parity(High(s)))}") { InDefaultSet = false },
        new("beep_parity", "parity", Difficulty.Hard, "is the number of beeps odd or even?", _ => ["odd", "even"], Any,
            s => [Fact("sequence", Pitches(s)), Fact("beeps", N(s.Beeps.Count))], s => Parity(s.Beeps.Count),
            s => $"{N(s.Beeps.Count)} is {Parity(s.Beeps.Count)}, {SoTheAnswerIs(Parity(s.Beeps.Count))}") { InDefaultSet = false },
        new("pitch_changes", "count", Difficulty.Hard, "how many times does the pitch change from one beep to the next?", o => Range(0, o.MaxBeeps - 1), Any,
            s => [Fact("sequence", Pitches(s)), Fact("pitch_changes", N(PitchChanges(s)))], s => N(PitchChanges(s)),
            s => SoTheAnswerIs(N(PitchChanges(s)))) { InDefaultSet = false },
        new("match_first", "count", Difficulty.Hard, "how many beeps have the same pitch as the first beep?", o => Range(1, o.MaxBeeps), Any,
            s => [Fact("sequence", Pitches(s)), Fact("first_beep_pitch", s.Beeps[0].Pitch), Fact("matching_beeps", N(MatchFirst(s)))], s => N(MatchFirst(s)),
            s => SoTheAnswerIs(N(MatchFirst(s)))) { InDefaultSet = false },
        // Six options (0, 1, 2, 3, 4, 6 for 1–5 beeps), so a direct guess is rarely right, and two counts and a product
        // that a chain writes down one at a time.
        new("high_times_low", "count", Difficulty.Hard, "what is the number of high beeps times the number of low beeps?", Products, Any,
            s => [Fact("sequence", Pitches(s)), Fact("high_beeps", N(High(s))), Fact("low_beeps", N(s.Beeps.Count - High(s)))], s => N(HighTimesLow(s)),
            s => $"{N(High(s))} times {N(s.Beeps.Count - High(s))} is {N(HighTimesLow(s))}, {SoTheAnswerIs(N(HighTimesLow(s)))}") { InDefaultSet = false },
        // A count's remainder by three: three options, and, like a parity, a function of the count that no balance of
        // energy gives, which a chain reads off the count it has written down.
        new("high_mod3", "remainder", Difficulty.Hard, "what is the remainder when the number of high beeps is divided by three?", _ => ["0", "1", "2"], Any,
            s => [Fact("sequence", Pitches(s)), Fact("high_beeps", N(High(s)))], s => N(High(s) % 3),
            s => $"{N(High(s))} divided by three leaves {N(High(s) % 3)}, {SoTheAnswerIs(N(High(s) % 3))}") { InDefaultSet = false },
        new("beep_mod3", "remainder", Difficulty.Hard, "what is the remainder when the number of beeps is divided by three?", _ => ["0", "1", "2"], Any,
            s => [Fact("sequence", Pitches(s)), Fact("beeps", N(s.Beeps.Count))], s => N(s.Beeps.Count % 3),
            s => $"{N(s.Beeps.Count)} divided by three leaves {N(s.Beeps.Count % 3)}, {SoTheAnswerIs(N(s.Beeps.Count % 3))}") { InDefaultSet = false },
        // Four options, and an answer that is a comparison of three specific beeps (an exclusive-or, which the direct
        // answer to same_pitch already gets wrong a third of the time) that a chain reads off three written words.
        new("odd_one_out", "pitch", Difficulty.Hard, "which of the first three beeps has a different pitch from the other two?", _ => ["first", "second", "third", "none"],
            s => s.Beeps.Count >= 3,
            s => [Fact("first_beep_pitch", s.Beeps[0].Pitch), Fact("second_beep_pitch", s.Beeps[1].Pitch), Fact("third_beep_pitch", s.Beeps[2].Pitch)],
            OddOneOut, s => SoTheAnswerIs(OddOneOut(s))) { InDefaultSet = false },
    ];
}
