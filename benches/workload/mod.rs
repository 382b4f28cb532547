//! The benchmark workload: a synthetic but realistic schedule set of a
//! chosen size, written as the TOML an operator would write by hand.
//!
//! Shared by the criterion benches (`benches/stages.rs`) and the
//! whole-process script (`scripts/bench.sh`, through
//! `examples/workload.rs`), so both measure the same schedules.
//!
//! One schedule file per calendar (an operator's platform or region), each
//! with `groups` service groups of `services` services. Every calendar has,
//! over `years` years from 2020:
//!
//! - a platform-wide monthly window (2nd Sunday) on every group, with a
//!   skipped month and two changed occurrences a year (moved a week, other
//!   hours, cancelled, confirmed);
//! - one monthly window per cluster of ten groups (a weekday night, some
//!   across midnight, some services stopping for a sub-range), with the same
//!   kinds of skips and changes;
//! - `one_offs` one-off windows on distinct Monday or Friday nights, each on
//!   one to eight groups with its own impact list, or (three in ten) an
//!   extended platform maintenance that reuses the platform window's list
//!   (`same_impact_as`), so on every group.
//!
//! Windows never overlap within a group (the days of the week keep them
//! apart), so the schedules load without warnings. Text is Japanese or
//! English (calendars alternate), of the length the real notice has.
//! Everything is drawn from a seeded generator, so a size always gives the
//! same bytes.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand_core::{Rng, SeedableRng};
use rand_xorshift::XorShiftRng;
use std::fmt::Write as _;

/// How big a workload to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub calendars: usize,
    /// Per calendar.
    pub groups: usize,
    /// Per group.
    pub services: usize,
    pub years: u32,
    /// One-off windows per calendar.
    pub one_offs: usize,
    pub seed: u64,
}

impl Size {
    /// About 1 MB of output.
    pub const SMALL: Size = Size {
        calendars: 1,
        groups: 12,
        services: 8,
        years: 3,
        one_offs: 40,
        seed: 1,
    };
    /// About 10 MB of output.
    pub const MEDIUM: Size = Size {
        calendars: 2,
        groups: 50,
        services: 10,
        years: 3,
        one_offs: 90,
        seed: 1,
    };
    /// About 100 MB of output.
    pub const LARGE: Size = Size {
        calendars: 8,
        groups: 100,
        services: 10,
        years: 3,
        one_offs: 114,
        seed: 1,
    };

    pub fn named(name: &str) -> Option<Size> {
        match name {
            "small" => Some(Size::SMALL),
            "medium" => Some(Size::MEDIUM),
            "large" => Some(Size::LARGE),
            _ => None,
        }
    }
}

/// The schedule files of `size`: (file name, TOML text), in file-name order.
pub fn generate(size: &Size) -> Vec<(String, String)> {
    (0..size.calendars)
        .map(|index| {
            // Each calendar has its own stream, so adding a calendar leaves
            // the others' text as it was.
            let mut rng =
                XorShiftRng::seed_from_u64(size.seed.wrapping_mul(1_000_003) + index as u64);
            let text = Writer::new(size, index, &mut rng).calendar();
            (format!("op-{index:03}.toml"), text)
        })
        .collect()
}

const ZONES: [&str; 4] = [
    "Asia/Tokyo",
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
];

const JA_SERVICES: [&str; 24] = [
    "受注API",
    "在庫API",
    "商品API",
    "カテゴリAPI",
    "商品ページの閲覧",
    "お買い物かご",
    "購入履歴",
    "定期購入、予約購入、頒布会",
    "ポイント付与・ポイント履歴の表示",
    "クーポンの発行と利用",
    "レビューの投稿・閲覧",
    "メールマガジン配信",
    "店舗管理画面",
    "画像登録サービス(R-Cabinet)",
    "商品一括登録サービス",
    "決済サービス(カード・後払い)",
    "配送状況の表示",
    "問い合わせ管理",
    "チャットボットによるお問い合わせ",
    "アプリのプッシュ通知",
    "検索結果の反映(店舗内カテゴリページ含む)",
    "売上レポートのダウンロード",
    "広告の配信と入札",
    "会員情報の変更",
];

const EN_SERVICES: [&str; 24] = [
    "Order API",
    "Inventory API",
    "Product API",
    "Category API",
    "Product pages",
    "Shopping cart",
    "Order history",
    "Subscriptions and pre-orders",
    "Points and point history",
    "Coupons",
    "Reviews",
    "Newsletter delivery",
    "Merchant console",
    "Image upload service",
    "Bulk product upload",
    "Payments (card and deferred)",
    "Shipment tracking",
    "Support tickets",
    "Support chatbot",
    "App push notifications",
    "Search index updates (including shop category pages)",
    "Sales report downloads",
    "Ad delivery and bidding",
    "Member profile changes",
];

const JA_GROUPS: [&str; 8] = [
    "市場サービス",
    "店舗管理サービス",
    "WEB API サービス",
    "ポイントサービス",
    "広告サービス",
    "メールサービス",
    "決済サービス",
    "コミュニティサービス",
];

const EN_GROUPS: [&str; 8] = [
    "Marketplace",
    "Merchant tools",
    "Web API",
    "Points",
    "Advertising",
    "Mail",
    "Payments",
    "Community",
];

const JA_NOTES: [&str; 6] = [
    "停止内容が変更になる可能性がございます。",
    "各サービスはそれぞれのメンテナンス作業が終わり次第、上記の時間を待たずに再開する場合がございます。",
    "メンテナンス中に受け付けたご注文は、終了後に順次反映されます。反映までにお時間をいただく場合がございますので、あらかじめご了承ください。",
    "注文情報の取得には受注データダウンロードサービスや受注APIをご利用ください。",
    "メンテナンス期間中に送信されたメールは、終了後に順次配信されます。",
    "ご不便をおかけいたしますが、ご理解とご協力をお願い申し上げます。",
];

const EN_NOTES: [&str; 6] = [
    "The services affected may change before the window.",
    "Each service may come back before the end of the window, as soon as its own work is done.",
    "Orders placed during the window are processed in turn after it ends; this may take a while.",
    "Use the order download service or the Order API to fetch orders again after the window.",
    "Mail sent during the window is delivered after it ends.",
    "We apologise for the inconvenience and thank you for your understanding.",
];

/// Monthly rules of the clusters: weekday nights that never meet the
/// platform window (Sunday) nor the one-offs (Monday or Friday night, up
/// to 07:30 the next morning).
/// (rule, start, end, ends next day, a sub-range some services stop for).
type ClusterRule = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    (&'static str, &'static str),
);
const CLUSTER_RULES: [ClusterRule; 4] = [
    ("1st wednesday", "01:00", "04:00", false, ("01:30", "03:00")),
    ("3rd wednesday", "00:30", "03:30", false, ("01:00", "02:00")),
    ("last saturday", "23:00", "03:00", true, ("00:00", "02:00")),
    ("2nd thursday", "02:00", "05:00", false, ("02:00", "04:00")),
];

struct Writer<'r> {
    size: Size,
    index: usize,
    japanese: bool,
    rng: &'r mut XorShiftRng,
    /// Each group's services.
    groups: Vec<(String, Vec<String>)>,
    out: String,
}

impl<'r> Writer<'r> {
    fn new(size: &Size, index: usize, rng: &'r mut XorShiftRng) -> Self {
        let japanese = index.is_multiple_of(2);
        let (group_names, service_names) = if japanese {
            (&JA_GROUPS, &JA_SERVICES)
        } else {
            (&EN_GROUPS, &EN_SERVICES)
        };
        let groups = (0..size.groups)
            .map(|g| {
                let name = format!("{} {}", group_names[g % group_names.len()], g + 1);
                let offset = g * 5;
                let services = (0..size.services)
                    .map(|s| {
                        let base = service_names[(offset + s) % service_names.len()];
                        // Names must be unique within a group.
                        match (offset + s) / service_names.len() {
                            0 => base.to_owned(),
                            n => format!("{base} {}", n + 1),
                        }
                    })
                    .collect::<Vec<_>>();
                (name, dedup_names(services))
            })
            .collect();
        Writer {
            size: *size,
            index,
            japanese,
            rng,
            groups,
            out: String::new(),
        }
    }

    fn below(&mut self, n: usize) -> usize {
        // The modulo bias is far below anything a benchmark could notice.
        (self.rng.next_u64() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn notes(&mut self, most: usize) -> Vec<&'static str> {
        let pool = if self.japanese { &JA_NOTES } else { &EN_NOTES };
        let count = self.below(most + 1);
        (0..count).map(|_| pool[self.below(pool.len())]).collect()
    }

    fn calendar(mut self) -> String {
        let index = self.index;
        let years = self.size.years;
        let zone = ZONES[index % ZONES.len()];
        let (name, language, title, contact) = if self.japanese {
            (
                format!("オペレーション{index} 定期メンテナンス"),
                "ja",
                "定期メンテナンス",
                "サポートセンター 電話: 050-0000-0000（平日9:00-23:00、土日祝9:00-18:00）",
            )
        } else {
            (
                format!("Operations {index} maintenance"),
                "en",
                "Scheduled maintenance",
                "Support desk, +1-555-0100 (weekdays 9:00-18:00, weekends 9:00-17:00)",
            )
        };
        let notes = if self.japanese { &JA_NOTES } else { &EN_NOTES };
        let out = &mut self.out;
        let _ = writeln!(out, "[calendar]");
        let _ = writeln!(out, "id = \"op-{index}\"");
        let _ = writeln!(out, "name = {}", quote(&name));
        let _ = writeln!(
            out,
            "description = {}",
            quote(&format!("{name}: {}", notes[5]))
        );
        let _ = writeln!(out, "timezone = \"{zone}\"");
        let _ = writeln!(out, "language = \"{language}\"");
        let _ = writeln!(out, "title = {}", quote(title));
        let _ = writeln!(out, "url = \"https://status.example.com/op-{index}/\"");
        let _ = writeln!(out, "contact = {}", quote(contact));
        let _ = writeln!(out, "notes = [{}, {}]", quote(notes[0]), quote(notes[1]));
        // Keep every window of the span: the workload's size is its output.
        let _ = writeln!(out, "keep_past_months = {}", 12 * (years + 1));
        for (g, (name, services)) in self.groups.iter().enumerate() {
            let _ = writeln!(out, "\n[groups.op{index}-g{g:03}]");
            let _ = writeln!(out, "name = {}", quote(name));
            let list: Vec<String> = services.iter().map(|s| quote(s)).collect();
            let _ = writeln!(out, "services = [{}]", list.join(", "));
        }
        let all: Vec<usize> = (0..self.size.groups).collect();
        self.monthly(
            "platform",
            "2nd sunday",
            ("02:00", "06:00", false),
            &all,
            None,
        );
        for (cluster, groups) in all.chunks(10).enumerate() {
            let rule = CLUSTER_RULES[cluster % CLUSTER_RULES.len()];
            let (on, start, end, next_day, (sub_start, sub_end)) = rule;
            self.monthly(
                &format!("cluster-{cluster}"),
                on,
                (start, end, next_day),
                groups,
                Some((sub_start, sub_end)),
            );
        }
        self.one_offs();
        self.out
    }

    /// A monthly window over the whole span on `groups`, with a skip and
    /// two changes a year.
    fn monthly(
        &mut self,
        id: &str,
        on: &str,
        (start, end, next_day): (&str, &str, bool),
        groups: &[usize],
        sub_range: Option<(&str, &str)>,
    ) {
        let years = self.size.years as i32;
        let from = NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date");
        let until = NaiveDate::from_ymd_opt(2020 + years - 1, 12, 31).expect("a date");
        let rule_dates = rule_dates(on, from, until);
        let out = &mut self.out;
        let _ = writeln!(out, "\n[windows.{id}]");
        let _ = writeln!(out, "every = \"month\"\non = \"{on}\"");
        let _ = writeln!(out, "from = {from}\nuntil = {until}");
        let _ = writeln!(out, "start = {start}\nend = {end}");
        if next_day {
            let _ = writeln!(out, "ends_next_day = true");
        }
        let _ = writeln!(out, "status = \"tentative\"");
        let _ = writeln!(out, "revised = 2019-12-01T10:00:00Z\nrevision = 1");
        // One skip and two changes a year, never the same date.
        let mut skips = Vec::new();
        let mut changes = Vec::new();
        for year in rule_dates.chunks(12) {
            let picks = self.distinct(year.len(), 3);
            skips.push(year[picks[0]]);
            changes.extend(picks[1..].iter().map(|&p| year[p]));
        }
        changes.sort();
        let list: Vec<String> = skips.iter().map(ToString::to_string).collect();
        let _ = writeln!(self.out, "skip = [{}]", list.join(", "));
        let notes = self.notes(2);
        write_notes(&mut self.out, &notes);
        for &g in groups {
            self.impact(id, g, sub_range);
        }
        for date in changes {
            let _ = writeln!(self.out, "\n[windows.{id}.changes.{date}]");
            match self.below(4) {
                0 => {
                    // A week later; a "last" Saturday night a day later,
                    // which keeps it clear of the platform's Sundays.
                    let days = if on.starts_with("last") { 1 } else { 7 };
                    let _ = writeln!(self.out, "date = {}", date + Duration::days(days));
                }
                1 => {
                    // An hour longer: sub-ranges stay inside the window.
                    let hour: usize = end[..2].parse().expect("HH:MM");
                    let _ = writeln!(self.out, "end = {:02}{}", (hour + 1) % 24, &end[2..]);
                }
                2 => {
                    let _ = writeln!(self.out, "status = \"cancelled\"");
                }
                _ => {
                    let _ = writeln!(self.out, "status = \"confirmed\"");
                }
            }
            let revised = date - Duration::days(20);
            let _ = writeln!(self.out, "revised = {revised}T09:00:00Z\nrevision = 2");
            let notes = self.notes(1);
            write_notes(&mut self.out, &notes);
        }
    }

    fn one_offs(&mut self) {
        let years = self.size.years as usize;
        let start = NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date");
        // Every Monday and Friday of the span, then a distinct pick of them.
        let nights: Vec<NaiveDate> = (0..years * 366)
            .map(|d| start + Duration::days(d as i64))
            .filter(|d| d.year() < 2020 + years as i32)
            .filter(|d| matches!(d.weekday(), Weekday::Mon | Weekday::Fri))
            .collect();
        let mut picks = self.distinct(nights.len(), self.size.one_offs.min(nights.len()));
        picks.sort();
        for pick in picks {
            let date = nights[pick];
            let id = format!("{date}");
            let start_half_hours = 36 + self.below(12); // 18:00 to 23:30
            let length_half_hours = 2 + self.below(14); // 1 to 8 hours
            let end_half_hours = start_half_hours + length_half_hours;
            let out = &mut self.out;
            let _ = writeln!(out, "\n[windows.{id}]");
            let _ = writeln!(out, "date = {date}");
            let _ = writeln!(out, "start = {}", half_hours(start_half_hours));
            let _ = writeln!(out, "end = {}", half_hours(end_half_hours % 48));
            if end_half_hours >= 48 {
                let _ = writeln!(out, "ends_next_day = true");
            }
            let status = match self.below(20) {
                0 => "cancelled",
                1..=3 => "tentative",
                _ => "confirmed",
            };
            let _ = writeln!(self.out, "status = \"{status}\"");
            let revised = date - Duration::days(14);
            let _ = writeln!(self.out, "revised = {revised}T09:00:00Z");
            let revision = self.below(3);
            let _ = writeln!(self.out, "revision = {revision}");
            let notes = self.notes(2);
            write_notes(&mut self.out, &notes);
            if self.chance(30) {
                // An extended platform maintenance: the monthly window's
                // impact list, reused as operators do.
                let _ = writeln!(self.out, "same_impact_as = \"platform\"");
                continue;
            }
            let groups = {
                let count = 1 + self.below(8.min(self.size.groups));
                let mut groups = self.distinct(self.size.groups, count);
                groups.sort();
                groups
            };
            let sub_range = (
                half_hours(start_half_hours + 1),
                half_hours((start_half_hours + length_half_hours.max(3) - 1) % 48),
            );
            for g in groups {
                self.impact(&id, g, Some((&sub_range.0, &sub_range.1)));
            }
        }
    }

    /// One group's impact: most services stop, some partly, the rest run;
    /// now and then one stops only for a sub-range, with a note.
    fn impact(&mut self, window: &str, g: usize, sub_range: Option<(&str, &str)>) {
        let index = self.index;
        let services = self.groups[g].1.clone();
        let mut stops = Vec::new();
        let mut partly = Vec::new();
        let mut runs = Vec::new();
        for service in &services {
            match self.below(10) {
                0..=4 => stops.push(quote(service)),
                5..=6 => {
                    let unavailable = if self.japanese {
                        "一括更新・CSVダウンロード"
                    } else {
                        "bulk updates and CSV downloads"
                    };
                    partly.push(format!(
                        "{{ service = {}, unavailable = {} }}",
                        quote(service),
                        quote(unavailable)
                    ));
                }
                _ => runs.push(quote(service)),
            }
        }
        if let (Some((start, end)), Some(first)) = (sub_range, stops.first_mut())
            && self.chance(30)
        {
            let note = if self.japanese {
                "再開後、データを再取得してください。"
            } else {
                "Fetch the data again once it is back."
            };
            *first = format!(
                "{{ service = {first}, start = {start}, end = {end}, note = {} }}",
                quote(note)
            );
        }
        let out = &mut self.out;
        let _ = writeln!(out, "\n[windows.{window}.impact.op{index}-g{g:03}]");
        for (key, list) in [("stops", &stops), ("partly", &partly), ("runs", &runs)] {
            if !list.is_empty() {
                let _ = writeln!(out, "{key} = [{}]", list.join(", "));
            }
        }
    }

    /// `count` distinct indexes below `n`, in the order drawn.
    fn distinct(&mut self, n: usize, count: usize) -> Vec<usize> {
        let mut picked: Vec<usize> = Vec::with_capacity(count);
        while picked.len() < count.min(n) {
            let pick = self.below(n);
            if !picked.contains(&pick) {
                picked.push(pick);
            }
        }
        picked
    }
}

fn dedup_names(names: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for name in names {
        let mut unique = name.clone();
        let mut n = 2;
        while seen.contains(&unique) {
            unique = format!("{name} ({n})");
            n += 1;
        }
        seen.push(unique);
    }
    seen
}

fn write_notes(out: &mut String, notes: &[&str]) {
    if !notes.is_empty() {
        let list: Vec<String> = notes.iter().map(|n| quote(n)).collect();
        let _ = writeln!(out, "notes = [{}]", list.join(", "));
    }
}

fn half_hours(n: usize) -> String {
    format!("{:02}:{:02}", (n / 2) % 24, (n % 2) * 30)
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The dates a monthly rule gives between `from` and `until`, to place
/// skips and changes on real occurrences.
fn rule_dates(on: &str, from: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
    let (nth, weekday) = on.split_once(' ').expect("`nth weekday`");
    let weekday: Weekday = weekday.parse().expect("a weekday");
    let mut dates = Vec::new();
    let mut month = from.with_day(1).expect("a date");
    while month <= until {
        let first = (0..7)
            .map(|d| month + Duration::days(d))
            .find(|d| d.weekday() == weekday)
            .expect("a weekday in every week");
        let date = match nth {
            "last" => {
                let mut last = first;
                while (last + Duration::days(7)).month() == month.month() {
                    last += Duration::days(7);
                }
                last
            }
            _ => {
                let n: i64 = nth[..1].parse().expect("1st to 4th");
                first + Duration::days(7 * (n - 1))
            }
        };
        if date >= from && date <= until {
            dates.push(date);
        }
        month = month
            .checked_add_months(chrono::Months::new(1))
            .expect("a month");
    }
    dates
}
