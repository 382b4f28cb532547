//! Every word maintcal adds around the schedule's own text, one table per
//! language, for the feeds (summaries and descriptions) and the subscribe
//! page alike, so that the two say the same thing the same way. Typography
//! belongs here too: Japanese text gets Japanese marks (`・`, `◆`, full-width
//! brackets, `翌03:00`), English text English ones.

use crate::schedule::model::Language;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

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
    /// The page's link to the feed of notices.
    pub notices_link: &'static str,
    /// Heads a group's list of its services' own feeds on the page.
    pub service_feeds_heading: &'static str,

    // ---- the subscribe page and the window pages ----------------------------
    pub all_groups: &'static str,
    /// Under the subscribe heading: what the first buttons subscribe to.
    pub subscribe_lead: &'static str,
    /// The `<details>` that holds one feed per group.
    pub one_group: &'static str,
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
    pub runs: &'static str,
    pub nothing_stops: &'static str,
    pub confirmed: &'static str,
    pub tentative: &'static str,
    pub cancelled: &'static str,
    pub past: &'static str,
    /// An occurrence moved off the date its rule gives.
    pub moved_from: &'static str,
    /// An occurrence whose hours differ from the window's.
    pub usually: &'static str,
    /// Before the times in the reader's own zone (filled in by the script).
    pub your_time: &'static str,
    pub details: &'static str,
    pub subscribe_heading: &'static str,
    pub apple: &'static str,
    pub google: &'static str,
    pub outlook: &'static str,
    pub office: &'static str,
    pub download: &'static str,
    pub url_label: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub back: &'static str,
    pub dates_heading: &'static str,
    pub service: &'static str,
    pub state: &'static str,
    pub revision: &'static str,
    pub source: &'static str,
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

    /// [`Words::time_range`] under a heading for `day`: a time on a later
    /// day is marked as the next day's (a service's own hours after
    /// midnight in a window that starts the evening before), where the
    /// language marks a time itself (翌); English marks the end only.
    pub fn time_range_on(
        &self,
        day: NaiveDate,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> String {
        let mut range = String::with_capacity(24);
        self.push_time_range_on(&mut range, day, start, end);
        range
    }

    /// [`Words::time_range`], appended to `out`.
    pub fn push_time_range(&self, out: &mut String, start: NaiveDateTime, end: NaiveDateTime) {
        self.push_time_range_on(out, start.date(), start, end);
    }

    /// [`Words::time_range_on`], appended to `out`. Under its own start's
    /// day, only an end on a later day is marked.
    fn push_time_range_on(
        &self,
        out: &mut String,
        day: NaiveDate,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) {
        if start.date() > day {
            out.push_str(self.next_day_before);
        }
        push_hh_mm(out, start.time());
        out.push('–');
        let next_day = end.date() > day;
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
    notices_link: "お知らせをフィードリーダーで読む (Atom)",
    service_feeds_heading: "サービスごとのカレンダー",
    all_groups: "すべてのグループ",
    subscribe_lead: "すべてのグループのメンテナンス予定を、お使いのカレンダーに自動で反映します。",
    one_group: "グループを選んで購読する",
    tip: "「購読」すると、予定の追加や変更がカレンダーに自動で反映されます。.ics のダウンロードは一度きりの取り込みで、その後の変更は反映されません。Google カレンダーへの反映には最大で 1 日ほどかかります。",
    no_links: [
        "購読リンクを表示するには、このページを公開する URL を指定してください: ",
        "、またはスケジュールの [calendar] に ",
        " を書きます。",
    ],
    as_of: "{date}時点の予定です（スケジュールの最終更新）。終了したメンテナンスは、ブラウザーで表示するときに隠れます。",
    times_in: "時刻は {zone} の時刻です。",
    next_heading: "今後のメンテナンス",
    nothing_next: "予定されているメンテナンスはありません。",
    more: "ほか {count} 件はカレンダーでご確認ください。",
    stops: "停止",
    partly: "一部停止",
    runs: "停止しません",
    nothing_stops: "停止するサービスはありません。",
    confirmed: "確定",
    tentative: "予定",
    cancelled: "中止",
    past: "終了",
    moved_from: "{date}から変更",
    usually: "通常は {hours}",
    your_time: "お使いの端末の時刻: ",
    details: "詳細",
    subscribe_heading: "カレンダーに登録",
    apple: "Apple カレンダー（iPhone・Mac）",
    google: "Google カレンダー",
    outlook: "Outlook.com",
    office: "Microsoft 365（職場・学校）",
    download: ".ics をダウンロード",
    url_label: "購読用 URL（その他のアプリ用）",
    copy: "コピー",
    copied: "コピーしました",
    back: "すべてのメンテナンスと購読",
    dates_heading: "日時",
    service: "サービス名",
    state: "サービス停止時間",
    revision: "第{revision}版（{date}更新）",
    source: "元のお知らせ",
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
    notices_link: "Read the notices in a feed reader (Atom)",
    service_feeds_heading: "One service only",
    all_groups: "All groups",
    subscribe_lead: "Every group's maintenance windows in your calendar, kept up to date.",
    one_group: "Subscribe to one group only",
    tip: "Subscribe, and new or changed windows reach your calendar by themselves. Downloading the .ics is a one-time import: later changes do not reach it. Google Calendar can take up to a day to pick up a change.",
    no_links: [
        "To show subscribe links, give the address this page is published at: ",
        ", or ",
        " in the schedule's [calendar].",
    ],
    as_of: "As of {date} (the schedules' latest revision). Windows that have ended are hidden when the page is shown in a browser.",
    times_in: "Times are in {zone}.",
    next_heading: "Next windows",
    nothing_next: "No maintenance is planned.",
    more: "{count} more in the calendar.",
    stops: "Stops",
    partly: "Partly stops",
    runs: "Keeps running",
    nothing_stops: "Nothing stops.",
    confirmed: "Confirmed",
    tentative: "Tentative",
    cancelled: "Cancelled",
    past: "Ended",
    moved_from: "moved from {date}",
    usually: "usually {hours}",
    your_time: "Your time: ",
    details: "Details",
    subscribe_heading: "Add to your calendar",
    apple: "Apple Calendar (iPhone, Mac)",
    google: "Google Calendar",
    outlook: "Outlook.com",
    office: "Microsoft 365 (work or school)",
    download: "Download .ics",
    url_label: "Feed address (for other apps)",
    copy: "Copy",
    copied: "Copied",
    back: "All windows and subscribe",
    dates_heading: "Dates",
    service: "Service",
    state: "Outage",
    revision: "Revision {revision} ({date})",
    source: "Original notice",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    footer: "Made by maintcal",
};

#[cfg(test)]
mod tests {
    #[test]
    fn a_range_after_midnight_under_the_evening_before_is_marked_next_day() {
        let day = NaiveDate::from_ymd_opt(2021, 3, 6).unwrap();
        let at = |d: u32, h: u32| {
            NaiveDate::from_ymd_opt(2021, 3, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        let (ja, en) = (
            Words::of(crate::schedule::model::Language::Japanese),
            Words::of(crate::schedule::model::Language::English),
        );
        assert_eq!(ja.time_range_on(day, at(7, 0), at(7, 2)), "翌00:00–翌02:00");
        assert_eq!(
            en.time_range_on(day, at(7, 0), at(7, 2)),
            "00:00–02:00 (next day)"
        );
        // A range on the day itself reads as `time_range` does.
        assert_eq!(
            ja.time_range_on(day, at(6, 22), at(7, 2)),
            ja.time_range(at(6, 22), at(7, 2))
        );
        assert_eq!(en.time_range_on(day, at(6, 22), at(6, 23)), "22:00–23:00");
    }
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
            assert!(words.moved_from.contains("{date}"));
            assert!(words.usually.contains("{hours}"));
            assert!(words.revision.contains("{revision}") && words.revision.contains("{date}"));
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
