//! Every word maintcal adds around the schedule's own text, one table per
//! language, for the feeds (summaries and descriptions) and the subscribe
//! page alike, so that the two say the same thing the same way. Typography
//! belongs here too: Japanese text gets Japanese marks (`・`, `◆`, full-width
//! brackets, `翌03:00`), English text English ones.

use crate::schedule::model::Language;
use chrono::{Datelike, NaiveDateTime, NaiveTime, Timelike};

/// The words of one language. In the page's words, `{…}` marks where a
/// value goes.
#[derive(Debug)]
pub struct Words {
    pub lang: Language,

    // ---- shared by the feeds and the page ----------------------------------
    /// Put before the end time of a range that ends on the next day.
    pub next_day_before: &'static str,
    /// Put after the end time of a range that ends on the next day.
    pub next_day_after: &'static str,

    // ---- feeds: summaries ----------------------------------------------------
    /// Status prefixes of a summary.
    pub tentative_prefix: &'static str,
    pub cancelled_prefix: &'static str,
    /// Between the subject and the impact.
    pub separator: &'static str,
    pub summary_stops: &'static str,
    pub summary_partly: &'static str,
    pub summary_runs: &'static str,

    // ---- feeds: descriptions -------------------------------------------------
    pub stopping_heading: &'static str,
    pub partly_heading: &'static str,
    pub running_heading: &'static str,
    pub notes_heading: &'static str,
    pub contact: &'static str,
    pub hours: &'static str,
    /// Starts an item of a list (a service, a note).
    pub bullet: &'static str,
    /// Starts each further line of a service's note.
    pub indent: &'static str,
    /// Around a group's name, heading its part of an `all` feed's event.
    pub group_heading: (&'static str, &'static str),
    /// Starts a group's note.
    pub group_note: &'static str,
    /// Around what a partly stopped service lacks.
    pub lacking: (&'static str, &'static str),

    // ---- the notices feed (Atom) and service feeds ---------------------------
    /// After the calendars' names: the title of the feed of notices.
    pub notices_title: &'static str,
    /// Heads the dates of a recurring window in its notice.
    pub dates_heading: &'static str,
    /// The page's link to the feed of notices.
    pub notices_link: &'static str,
    /// Heads a group's list of its services' own feeds on the page.
    pub service_feeds_heading: &'static str,

    // ---- the subscribe page --------------------------------------------------
    pub all_groups: &'static str,
    pub contents: &'static str,
    pub tip: &'static str,
    /// Text around the two ways to set the base URL.
    pub no_links: [&'static str; 3],
    pub as_of: &'static str,
    pub times_in: &'static str,
    pub next_heading: &'static str,
    pub nothing_next: &'static str,
    pub more: &'static str,
    pub stops: &'static str,
    pub partly: &'static str,
    pub nothing_stops: &'static str,
    pub unavailable: &'static str,
    pub confirmed: &'static str,
    pub tentative: &'static str,
    pub cancelled: &'static str,
    pub subscribe_heading: &'static str,
    pub webcal: &'static str,
    pub google: &'static str,
    pub outlook: &'static str,
    pub download: &'static str,
    pub url_label: &'static str,
    pub weekdays: [&'static str; 7],
    pub footer: &'static str,
}

impl Words {
    pub fn of(language: Language) -> &'static Words {
        match language {
            Language::Japanese => &JAPANESE,
            Language::English => &ENGLISH,
        }
    }

    /// A date with its weekday: `2020年5月17日(日)`, `Sun 17 May 2020`.
    pub fn date(&self, at: NaiveDateTime) -> String {
        let weekday = self.weekdays[at.weekday().num_days_from_monday() as usize];
        match self.lang {
            Language::Japanese => {
                format!("{}年{}月{}日({weekday})", at.year(), at.month(), at.day())
            }
            Language::English => format!("{weekday} {}", at.format("%-d %B %Y")),
        }
    }

    /// `02:00–08:45`; a range that ends the next day says so
    /// (`23:00–翌03:00`, `23:00–03:00 (next day)`).
    pub fn time_range(&self, start: NaiveDateTime, end: NaiveDateTime) -> String {
        let mut range = String::with_capacity(24);
        self.push_time_range(&mut range, start, end);
        range
    }

    /// [`Words::time_range`], appended to `out`.
    pub fn push_time_range(&self, out: &mut String, start: NaiveDateTime, end: NaiveDateTime) {
        let next_day = end.date() > start.date();
        push_hh_mm(out, start.time());
        out.push('–');
        if next_day {
            out.push_str(self.next_day_before);
        }
        push_hh_mm(out, end.time());
        if next_day {
            out.push_str(self.next_day_after);
        }
    }
}

/// `HH:MM`, as `format("%H:%M")` writes it: that parses its pattern on
/// every call, and every event's summary and description have a few.
pub fn push_hh_mm(out: &mut String, time: NaiveTime) {
    for (index, value) in [time.hour(), time.minute()].into_iter().enumerate() {
        if index > 0 {
            out.push(':');
        }
        out.push(char::from(b'0' + (value / 10) as u8));
        out.push(char::from(b'0' + (value % 10) as u8));
    }
}

static JAPANESE: Words = Words {
    lang: Language::Japanese,
    next_day_before: "翌",
    next_day_after: "",
    tentative_prefix: "【予定】",
    cancelled_prefix: "【中止】",
    separator: "：",
    summary_stops: "停止",
    summary_partly: "一部停止",
    summary_runs: "停止なし",
    stopping_heading: "停止するサービス",
    partly_heading: "一部停止するサービス",
    running_heading: "停止しないサービス",
    notes_heading: "備考",
    contact: "お問い合わせ",
    hours: "時間",
    bullet: "・",
    indent: "　",
    group_heading: ("◆", ""),
    group_note: "※",
    lacking: ("（利用できない機能: ", "）"),
    notices_title: "お知らせ",
    dates_heading: "日程",
    notices_link: "お知らせをフィードリーダーで読む (Atom)",
    service_feeds_heading: "サービスごとのカレンダー",
    all_groups: "すべてのグループ",
    contents: "カレンダー",
    tip: "「購読」すると、予定の追加や変更がカレンダーに自動で反映されます。.ics のダウンロードは一度きりの取り込みで、その後の変更は反映されません。Google カレンダーへの反映には最大で 1 日ほどかかります。",
    no_links: [
        "購読リンクを表示するには、このページを公開する URL を指定してください: ",
        "、またはスケジュールの [calendar] に ",
        " を書きます。",
    ],
    as_of: "{date}時点の予定です（スケジュールの最終更新）。",
    times_in: "時刻は {zone} の時刻です。",
    next_heading: "今後のメンテナンス",
    nothing_next: "予定されているメンテナンスはありません。",
    more: "ほか {count} 件はカレンダーでご確認ください。",
    stops: "停止",
    partly: "一部停止",
    nothing_stops: "停止するサービスはありません。",
    unavailable: "（{what}）",
    confirmed: "確定",
    tentative: "予定",
    cancelled: "中止",
    subscribe_heading: "購読",
    webcal: "カレンダーアプリで購読",
    google: "Google カレンダーに追加",
    outlook: "Outlook に追加",
    download: ".ics をダウンロード",
    url_label: "購読用 URL（コピーしてカレンダーアプリに貼り付け）",
    weekdays: ["月", "火", "水", "木", "金", "土", "日"],
    footer: "maintcal で生成",
};

static ENGLISH: Words = Words {
    lang: Language::English,
    next_day_before: "",
    next_day_after: " (next day)",
    tentative_prefix: "[Tentative] ",
    cancelled_prefix: "[Cancelled] ",
    separator: ": ",
    summary_stops: "stops",
    summary_partly: "partly stops",
    summary_runs: "no outage",
    stopping_heading: "Stops",
    partly_heading: "Partly stops",
    running_heading: "Keeps running",
    notes_heading: "Notes",
    contact: "Contact",
    hours: "Hours",
    bullet: "- ",
    indent: "  ",
    group_heading: ("[", "]"),
    group_note: "* ",
    lacking: (" (unavailable: ", ")"),
    notices_title: "notices",
    dates_heading: "Dates",
    notices_link: "Read the notices in a feed reader (Atom)",
    service_feeds_heading: "One service only",
    all_groups: "All groups",
    contents: "Calendars",
    tip: "Subscribe, and new or changed windows reach your calendar by themselves. Downloading the .ics is a one-time import: later changes do not reach it. Google Calendar can take up to a day to pick up a change.",
    no_links: [
        "To show subscribe links, give the address this page is published at: ",
        ", or ",
        " in the schedule's [calendar].",
    ],
    as_of: "As of {date} (the schedules' latest revision).",
    times_in: "Times are in {zone}.",
    next_heading: "Next windows",
    nothing_next: "No maintenance is planned.",
    more: "{count} more in the calendar.",
    stops: "Stops",
    partly: "Partly stops",
    nothing_stops: "Nothing stops.",
    unavailable: " ({what} unavailable)",
    confirmed: "Confirmed",
    tentative: "Tentative",
    cancelled: "Cancelled",
    subscribe_heading: "Subscribe",
    webcal: "Subscribe in your calendar app",
    google: "Add to Google Calendar",
    outlook: "Add to Outlook",
    download: "Download .ics",
    url_label: "Feed URL (copy it into your calendar app)",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    footer: "Made by maintcal",
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2020, 5, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn dates_in_each_language() {
        let ja = Words::of(Language::Japanese);
        let en = Words::of(Language::English);
        assert_eq!(ja.date(at(17, 2)), "2020年5月17日(日)");
        assert_eq!(en.date(at(17, 2)), "Sun 17 May 2020");
    }

    #[test]
    fn time_ranges_in_each_language() {
        let ja = Words::of(Language::Japanese);
        let en = Words::of(Language::English);
        assert_eq!(ja.time_range(at(17, 2), at(17, 8)), "02:00–08:00");
        assert_eq!(ja.time_range(at(16, 23), at(17, 3)), "23:00–翌03:00");
        assert_eq!(en.time_range(at(17, 2), at(17, 8)), "02:00–08:00");
        assert_eq!(
            en.time_range(at(16, 23), at(17, 3)),
            "23:00–03:00 (next day)"
        );
    }

    #[test]
    fn words_with_a_placeholder_have_it() {
        for words in [Words::of(Language::Japanese), Words::of(Language::English)] {
            assert!(words.as_of.contains("{date}"));
            assert!(words.times_in.contains("{zone}"));
            assert!(words.more.contains("{count}"));
            assert!(words.unavailable.contains("{what}"));
        }
    }

    #[test]
    fn english_words_use_no_japanese_marks() {
        let en = Words::of(Language::English);
        let feed_words = [
            en.next_day_before,
            en.next_day_after,
            en.tentative_prefix,
            en.cancelled_prefix,
            en.separator,
            en.bullet,
            en.indent,
            en.group_heading.0,
            en.group_heading.1,
            en.group_note,
            en.lacking.0,
            en.lacking.1,
        ];
        for word in feed_words {
            assert!(word.is_ascii(), "{word:?}");
        }
    }
}
