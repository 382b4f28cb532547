//! Turns one parsed schedule file (`source`) into the checked model
//! (`model`), collecting every problem instead of stopping at the first, each
//! with the span of the value it is about and, where possible, what to do.

use super::diagnostic::{Diagnostic, FileId};
use super::model::*;
use super::source::*;
use crate::render::wire::{describe_char, forbidden_char};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use indexmap::IndexMap;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

mod dates;
mod revisions;

/// The parsed sections of one file, each already deserialized on its own so
/// that a problem in one window does not hide the problems in the next.
#[derive(Debug, Default)]
pub struct FileSections {
    /// False when the file has TOML syntax errors; nothing else is then filled.
    pub parsed: bool,
    /// A `[calendar]` table is there, even if `calendar` is `None` because
    /// it had errors (already reported).
    pub calendar_declared: bool,
    /// Every group and window id the file declares, including those whose
    /// table had errors, so that a reference to them is not reported again.
    pub declared_groups: Vec<String>,
    pub declared_windows: Vec<String>,
    pub calendar: Option<CalendarSource>,
    /// Group id (with its span) and the group, in file order.
    pub groups: Vec<(Spanned<String>, GroupSource)>,
    /// Window id (with its span) and the window, in file order.
    pub windows: Vec<(Spanned<String>, WindowSource)>,
}

pub const DEFAULT_REFRESH_HOURS: u32 = 6;

/// File names maintcal writes itself, or that Windows cannot hold; a group id
/// may not be one of them because it becomes `out/<id>.ics`.
const RESERVED_GROUP_IDS: &[&str] = &[
    "all", "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

const MAX_ID_LEN: usize = 64;

#[derive(Debug)]
pub struct Validator {
    file: FileId,
    pub diagnostics: Vec<Diagnostic>,
    /// Ids declared in the file, valid or not (see [`FileSections`]).
    declared_groups: Vec<String>,
    declared_windows: Vec<String>,
}

impl Validator {
    pub fn new(file: FileId) -> Self {
        Validator {
            file,
            diagnostics: Vec::new(),
            declared_groups: Vec::new(),
            declared_windows: Vec::new(),
        }
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(self.file, span, message));
    }

    fn error_help(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::error(self.file, span, message).with_help(help));
    }

    /// Checks the whole file; `None` when anything was wrong (the problems are
    /// in `self.diagnostics`).
    pub fn calendar(
        &mut self,
        source: std::path::PathBuf,
        sections: FileSections,
        whole_file: Range<usize>,
    ) -> Option<Calendar> {
        let errors_before = self.error_count();
        self.declared_groups = sections.declared_groups.clone();
        self.declared_windows = sections.declared_windows.clone();
        let Some(calendar) = sections.calendar else {
            if !sections.calendar_declared {
                self.error_help(
                    whole_file.start..whole_file.start,
                    "this schedule has no [calendar] table",
                    "add [calendar] with id, name and timezone; see the README's schedule example",
                );
            }
            // Still check the groups and windows: every problem in one run.
            let groups = self.groups(&sections.groups);
            self.windows(&sections.windows, &groups);
            return None;
        };
        let id = self.id(&calendar.id, "calendar id");
        let name = self.required_line(&calendar.name, "calendar name");
        let description = calendar.description.as_ref().map(|d| self.text(d, true));
        let timezone = self.timezone(&calendar.timezone);
        let url = calendar.url.as_ref().map(|url| self.url(url));
        let contact = calendar.contact.as_ref().map(|c| self.text(c, true));
        let notes = self.texts(&calendar.notes, true);
        let language = match calendar.language.as_ref() {
            None => Language::Japanese,
            Some(language) => match language.get_ref().as_str() {
                "ja" => Language::Japanese,
                "en" => Language::English,
                other => {
                    self.error_help(
                        language.span(),
                        format!("unknown language `{other}`"),
                        "use \"ja\" or \"en\"",
                    );
                    Language::Japanese
                }
            },
        };
        let title = match &calendar.title {
            Some(title) => self.required_line(title, "calendar title"),
            None => match language {
                Language::Japanese => "定期メンテナンス".to_owned(),
                Language::English => "Scheduled maintenance".to_owned(),
            },
        };
        let refresh_hours = match &calendar.refresh_hours {
            None => DEFAULT_REFRESH_HOURS,
            Some(hours) if (1..=168).contains(hours.get_ref()) => *hours.get_ref(),
            Some(hours) => {
                self.error_help(
                    hours.span(),
                    "refresh_hours must be between 1 and 168 (a week)",
                    "a few hours suits most feeds; Google refreshes about once a day anyway",
                );
                DEFAULT_REFRESH_HOURS
            }
        };
        let revision = calendar.revision.as_ref().map_or(0, |r| *r.get_ref());
        let revised = calendar.revised.as_ref().and_then(|r| self.instant(r));
        let base_url = calendar.base_url.as_ref().map(|url| self.base_url(url));
        let keep_past_months = match &calendar.keep_past_months {
            None => crate::horizon::DEFAULT_KEEP_PAST_MONTHS,
            Some(months) if *months.get_ref() <= crate::horizon::MAX_KEEP_PAST_MONTHS => {
                *months.get_ref()
            }
            Some(months) => {
                self.error_help(
                    months.span(),
                    format!(
                        "keep_past_months must be at most {} (100 years)",
                        crate::horizon::MAX_KEEP_PAST_MONTHS
                    ),
                    "24 keeps two years of past windows, enough for most subscribers",
                );
                crate::horizon::DEFAULT_KEEP_PAST_MONTHS
            }
        };

        let groups = self.groups(&sections.groups);
        if sections.declared_groups.is_empty() {
            self.error_help(
                calendar.id.span(),
                "this calendar declares no service groups",
                "add at least one [groups.<id>] table with a name and its services",
            );
        }
        let windows = self.windows(&sections.windows, &groups);
        self.check_revisions(calendar.revision.as_ref(), &sections.windows);
        self.check_dates(&windows, &sections.windows);

        if self.error_count() > errors_before {
            return None;
        }
        Some(Calendar {
            source,
            id,
            name,
            description,
            timezone: timezone?,
            url,
            contact,
            notes,
            language,
            title,
            refresh_hours,
            revision,
            revised,
            base_url,
            keep_past_months,
            groups,
            windows,
        })
    }

    fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == super::diagnostic::Severity::Error)
            .count()
    }

    // ---- groups ----------------------------------------------------------

    fn groups(&mut self, sources: &[(Spanned<String>, GroupSource)]) -> Vec<Group> {
        let mut groups = Vec::new();
        for (key, group) in sources {
            let id = self.id(key, "group id");
            if RESERVED_GROUP_IDS.contains(&id.as_str()) {
                self.error_help(
                    key.span(),
                    format!("`{id}` cannot be a group id: it is a reserved file name"),
                    "choose another id; the group's feed is written to out/<id>.ics",
                );
            }
            let name = self.required_line(&group.name, "group name");
            let description = group.description.as_ref().map(|d| self.text(d, true));
            let mut services: Vec<String> = Vec::new();
            for service in &group.services {
                let service_name = self.required_line(service, "service name");
                if services.contains(&service_name) {
                    self.error(
                        service.span(),
                        format!("service `{service_name}` is listed twice in this group"),
                    );
                }
                services.push(service_name);
            }
            if group.services.is_empty() {
                self.error_help(
                    key.span(),
                    format!("group `{id}` has no services"),
                    "list them: services = [\"…\", \"…\"]",
                );
            }
            groups.push(Group {
                id,
                name,
                description,
                services,
            });
        }
        groups
    }

    // ---- windows ---------------------------------------------------------

    fn windows(
        &mut self,
        sources: &[(Spanned<String>, WindowSource)],
        groups: &[Group],
    ) -> Vec<Window> {
        // Own impacts first, so that `same_impact_as` can refer to any window.
        let own_impacts: IndexMap<String, Vec<Arc<GroupImpact>>> = sources
            .iter()
            .map(|(key, window)| (key.get_ref().clone(), self.impacts(&window.impact, groups)))
            .collect();
        let mut windows = Vec::new();
        for (key, source) in sources {
            let id = self.id(key, "window id");
            let hours = self.hours(&source.start, &source.end, source.ends_next_day);
            let timing = self.timing(key, source);
            let status = status(*source.status.get_ref());
            let title = source
                .title
                .as_ref()
                .map(|t| self.required_line(t, "window title"));
            let notes = self.texts(&source.notes, true);
            let revised = self.instant(&source.revised);
            let revision = source.revision.as_ref().map_or(0, |r| *r.get_ref());

            let mut impacts = own_impacts.get(key.get_ref()).cloned().unwrap_or_default();
            if let Some(base) = &source.same_impact_as {
                impacts = self.reuse_impacts(base, sources, &own_impacts, impacts, groups);
            }
            if source.impact.is_empty() && source.same_impact_as.is_none() {
                self.error_help(
                    key.span(),
                    format!("window `{id}` says nothing about any group"),
                    format!("add [windows.{id}.impact.<group>] with stops/partly/runs, or same_impact_as = \"<another window>\""),
                );
            }
            let (Some(hours), Some(timing), Some(revised)) = (hours, timing, revised) else {
                continue;
            };
            self.check_sub_ranges(key, &impacts, hours);
            let timing = match timing {
                Timing::Monthly(mut rule) => {
                    rule.changes =
                        self.changes(source, &rule, hours, status, revised, revision, &impacts);
                    Timing::Monthly(rule)
                }
                once => once,
            };
            windows.push(Window {
                id,
                title,
                timing,
                hours,
                status,
                notes,
                revised,
                revision,
                impacts,
            });
        }
        windows
    }

    fn reuse_impacts(
        &mut self,
        base: &Spanned<String>,
        sources: &[(Spanned<String>, WindowSource)],
        own_impacts: &IndexMap<String, Vec<Arc<GroupImpact>>>,
        overrides: Vec<Arc<GroupImpact>>,
        groups: &[Group],
    ) -> Vec<Arc<GroupImpact>> {
        let base_id = base.get_ref();
        let Some((_, base_source)) = sources.iter().find(|(key, _)| key.get_ref() == base_id)
        else {
            if self.declared_windows.contains(base_id) {
                // That window's own errors are reported already.
                return overrides;
            }
            let known: Vec<&str> = sources
                .iter()
                .map(|(key, _)| key.get_ref().as_str())
                .collect();
            self.error_help(
                base.span(),
                format!("no window `{base_id}` in this file"),
                suggestion(base_id, &known),
            );
            return overrides;
        };
        if let Some(chained) = &base_source.same_impact_as {
            self.error_help(
                base.span(),
                format!("window `{base_id}` itself reuses `{}`", chained.get_ref()),
                format!("refer to `{}` directly", chained.get_ref()),
            );
            return overrides;
        }
        let base_impacts = own_impacts.get(base_id).cloned().unwrap_or_default();
        // Keep the calendar's group order: take each group's entry from the
        // overrides when there is one, from the base window otherwise.
        let mut by_group: HashMap<&str, &Arc<GroupImpact>> = HashMap::new();
        for impact in base_impacts.iter().chain(overrides.iter()) {
            by_group.insert(impact.group.as_str(), impact);
        }
        groups
            .iter()
            .filter_map(|group| {
                by_group
                    .get(group.id.as_str())
                    .map(|impact| Arc::clone(impact))
            })
            .collect()
    }

    fn impacts(
        &mut self,
        sources: &IndexMap<Spanned<String>, ImpactSource>,
        groups: &[Group],
    ) -> Vec<Arc<GroupImpact>> {
        let mut impacts = Vec::new();
        // By id, so that a window naming thousands of groups stays linear.
        let index: HashMap<&str, usize> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id.as_str(), i))
            .collect();
        for (key, source) in sources {
            let Some(group) = index.get(key.get_ref().as_str()).map(|&i| &groups[i]) else {
                if self.declared_groups.contains(key.get_ref()) {
                    // That group's own errors are reported already.
                    continue;
                }
                let known: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
                self.error_help(
                    key.span(),
                    format!("no group `{}` in this calendar", key.get_ref()),
                    suggestion(key.get_ref(), &known),
                );
                continue;
            };
            let mut services = Vec::new();
            let mut seen: Vec<String> = Vec::new();
            let mut add = |this: &mut Self,
                           name: &Spanned<String>,
                           outer: Range<usize>,
                           kind: ImpactKind,
                           note: Option<&Spanned<String>>,
                           start: Option<&Spanned<toml::value::Datetime>>,
                           end: Option<&Spanned<toml::value::Datetime>>| {
                // A bare string entry carries the span on the outer `Spanned`.
                let span = if name.span().is_empty() {
                    outer
                } else {
                    name.span()
                };
                let service = name.get_ref().clone();
                if !group.services.contains(&service) {
                    let known: Vec<&str> = group.services.iter().map(String::as_str).collect();
                    this.error_help(
                        span.clone(),
                        format!("group `{}` has no service `{service}`", group.id),
                        suggestion(&service, &known),
                    );
                }
                if seen.contains(&service) {
                    this.error_help(
                        span.clone(),
                        format!(
                            "service `{service}` is listed twice in this window's impact on `{}`",
                            group.id
                        ),
                        "list each service once, under stops, partly or runs",
                    );
                }
                seen.push(service.clone());
                let note = note.map(|n| this.text(n, true));
                let hours = match (start, end) {
                    (None, None) => None,
                    (Some(start), Some(end)) if kind != ImpactKind::Runs => {
                        match (this.local_time(start), this.local_time(end)) {
                            (Some(start), Some(end)) => Some(SubRange { start, end }),
                            _ => None,
                        }
                    }
                    (Some(_), Some(_)) => {
                        this.error_help(
                            span,
                            "a service that keeps running has no hours",
                            "remove start and end, or move the service under stops or partly",
                        );
                        None
                    }
                    (Some(one), None) | (None, Some(one)) => {
                        this.error_help(
                            one.span(),
                            "a service's own hours need both start and end",
                            "give both, e.g. { service = \"…\", start = 03:00, end = 05:00 }",
                        );
                        None
                    }
                };
                services.push(ServiceImpact {
                    service,
                    kind,
                    note,
                    hours,
                });
            };
            for entry in &source.stops {
                let e = entry.get_ref();
                add(
                    self,
                    &e.service,
                    entry.span(),
                    ImpactKind::Stops,
                    e.note.as_ref(),
                    e.start.as_ref(),
                    e.end.as_ref(),
                );
            }
            for entry in &source.partly {
                let e = entry.get_ref();
                let unavailable = self.required_line(&e.unavailable, "what is unavailable");
                add(
                    self,
                    &e.service,
                    entry.span(),
                    ImpactKind::Partial { unavailable },
                    e.note.as_ref(),
                    e.start.as_ref(),
                    e.end.as_ref(),
                );
            }
            for entry in &source.runs {
                let e = entry.get_ref();
                add(
                    self,
                    &e.service,
                    entry.span(),
                    ImpactKind::Runs,
                    e.note.as_ref(),
                    e.start.as_ref(),
                    e.end.as_ref(),
                );
            }
            let notes = self.texts(&source.notes, true);
            if services.is_empty() && notes.is_empty() {
                self.error_help(
                    key.span(),
                    format!("the impact on `{}` lists no service", group.id),
                    "list services under stops, partly or runs",
                );
            }
            impacts.push(Arc::new(GroupImpact {
                group: group.id.clone(),
                services,
                notes,
            }));
        }
        // The calendar's group order, whatever order the window names them in.
        impacts.sort_by_key(|impact| index.get(impact.group.as_str()).copied());
        impacts
    }

    /// Sub-ranges must lie inside the window; one equal to the window is the window.
    fn check_sub_ranges(
        &mut self,
        key: &Spanned<String>,
        impacts: &[Arc<GroupImpact>],
        hours: Hours,
    ) {
        for impact in impacts {
            for service in &impact.services {
                if let Some(range) = service.hours
                    && !sub_range_fits(range, hours)
                {
                    self.error_help(
                        key.span(),
                        format!(
                            "in window `{}`, `{}` of group `{}` has hours {}–{} outside the window {}–{}",
                            key.get_ref(),
                            service.service,
                            impact.group,
                            range.start.format("%H:%M"),
                            range.end.format("%H:%M"),
                            hours.start.format("%H:%M"),
                            hours.end.format("%H:%M"),
                        ),
                        "a service's own start and end must lie within its window (later start, earlier end)",
                    );
                }
            }
        }
    }

    fn timing(&mut self, key: &Spanned<String>, source: &WindowSource) -> Option<Timing> {
        let recurring_keys: [(&str, Option<Range<usize>>); 7] = [
            ("every", source.every.as_ref().map(Spanned::span)),
            ("on", source.on.as_ref().map(Spanned::span)),
            ("from", source.from.as_ref().map(Spanned::span)),
            ("until", source.until.as_ref().map(Spanned::span)),
            ("count", source.count.as_ref().map(Spanned::span)),
            ("interval", source.interval.as_ref().map(Spanned::span)),
            ("skip", source.skip.first().map(Spanned::span)),
        ];
        if let Some(date) = &source.date {
            let mut fine = true;
            for (name, span) in recurring_keys
                .iter()
                .filter_map(|(n, s)| s.clone().map(|s| (n, s)))
            {
                fine = false;
                self.error_help(
                    span,
                    format!(
                        "`{name}` belongs to a recurring window, but this one has a single `date`"
                    ),
                    "remove `date` to make the window recurring, or remove this key",
                );
            }
            if let Some((change, _)) = source.changes.first() {
                fine = false;
                self.error_help(
                    change.span(),
                    "`changes` belong to a recurring window, but this one has a single `date`",
                    "edit the window itself instead",
                );
            }
            let date = self.local_date(date)?;
            return fine.then_some(Timing::Once { date });
        }
        let Some(every) = &source.every else {
            self.error_help(key.span(), format!("window `{}` has neither `date` nor `every`", key.get_ref()), "give a one-off window a `date`, or a recurring one `every = \"month\"` with `on`, `from` and `until` or `count`");
            return None;
        };
        if every.get_ref() != "month" {
            self.error_help(
                every.span(),
                format!("unsupported recurrence `{}`", every.get_ref()),
                "use every = \"month\"",
            );
        }
        let rule = source.on.as_ref().and_then(|on| self.monthly_on(on));
        if source.on.is_none() {
            self.error_help(
                every.span(),
                "a monthly window needs `on`",
                "e.g. on = \"2nd sunday\" or on = \"last sunday\"",
            );
        }
        let first = match &source.from {
            Some(from) => self.local_date(from),
            None => {
                self.error_help(
                    every.span(),
                    "a recurring window needs `from`, its first date",
                    "e.g. from = 2020-06-14",
                );
                None
            }
        };
        let end = match (&source.until, &source.count) {
            (Some(until), None) => self.local_date(until).map(RecurrenceEnd::Until),
            (None, Some(count)) if *count.get_ref() >= 1 => {
                Some(RecurrenceEnd::Count(*count.get_ref()))
            }
            (None, Some(count)) => {
                self.error(count.span(), "count must be at least 1");
                None
            }
            (None, None) => {
                self.error_help(every.span(), "a recurring window needs `until` or `count`", "an open-ended series never leaves subscribers' calendars; give the last date (until = 2020-12-31) or the number of windows (count = 6)");
                None
            }
            (Some(_), Some(count)) => {
                self.error_help(
                    count.span(),
                    "give `until` or `count`, not both",
                    "remove one of them",
                );
                None
            }
        };
        let interval = match &source.interval {
            None => 1,
            Some(interval) if (1..=120).contains(interval.get_ref()) => *interval.get_ref(),
            Some(interval) => {
                self.error(interval.span(), "interval must be between 1 and 120 months");
                1
            }
        };
        let (Some((nth, weekday)), Some(first), Some(end)) = (rule, first, end) else {
            return None;
        };
        if let RecurrenceEnd::Until(until) = end
            && until < first
            && let Some(until_span) = source.until.as_ref().map(Spanned::span)
        {
            self.error(until_span, "`until` is before `from`");
            return None;
        }
        let mut rule = MonthlyRule {
            nth,
            weekday,
            interval,
            first,
            end,
            skips: Vec::new(),
            changes: Vec::new(),
        };
        if rule.exceeds_limit() {
            let span = source
                .until
                .as_ref()
                .map(Spanned::span)
                .or(source.count.as_ref().map(Spanned::span))
                .unwrap_or(every.span());
            self.error_help(
                span,
                format!("this window would recur more than {MAX_OCCURRENCES} times"),
                "end the series sooner; a schedule is republished long before then",
            );
            return None;
        }
        let dates: BTreeSet<NaiveDate> = rule.rule_dates().into_iter().collect();
        for skip in &source.skip {
            let Some(date) = self.local_date(skip) else {
                continue;
            };
            if !dates.contains(&date) {
                self.error_help(
                    skip.span(),
                    format!(
                        "{date} is not a date of this window's rule, so there is nothing to skip"
                    ),
                    nearest_dates(&dates, date),
                );
            } else if rule.skips.contains(&date) {
                self.error(skip.span(), format!("{date} is skipped twice"));
            } else {
                rule.skips.push(date);
            }
        }
        rule.skips.sort();
        Some(Timing::Monthly(rule))
    }

    #[allow(clippy::too_many_arguments)]
    fn changes(
        &mut self,
        source: &WindowSource,
        rule: &MonthlyRule,
        hours: Hours,
        status: Status,
        revised: DateTime<Utc>,
        revision: u32,
        impacts: &[Arc<GroupImpact>],
    ) -> Vec<OccurrenceChange> {
        let dates: BTreeSet<NaiveDate> = rule.rule_dates().into_iter().collect();
        let mut changes = Vec::new();
        for (key, change) in &source.changes {
            let Ok(rule_date) = NaiveDate::parse_from_str(key.get_ref(), "%Y-%m-%d") else {
                self.error_help(key.span(), format!("`{}` is not a date", key.get_ref()), "name the occurrence by the date the rule gives, e.g. [windows.monthly.changes.2020-07-12]");
                continue;
            };
            if !dates.contains(&rule_date) {
                self.error_help(key.span(), format!("{rule_date} is not a date of this window's rule, so there is nothing to change"), nearest_dates(&dates, rule_date));
                continue;
            }
            if rule.skips.contains(&rule_date) {
                self.error_help(
                    key.span(),
                    format!("{rule_date} is both skipped and changed"),
                    "remove it from `skip`, or remove this change",
                );
                continue;
            }
            let c = change.get_ref();
            let date = match &c.date {
                Some(date) => self.local_date(date),
                None => Some(rule_date),
            };
            let start = c
                .start
                .as_ref()
                .map_or(Some(hours.start), |s| self.local_time(s));
            let end = c
                .end
                .as_ref()
                .map_or(Some(hours.end), |e| self.local_time(e));
            let ends_next_day = c.ends_next_day.unwrap_or(hours.ends_next_day);
            let changed_hours = match (start, end) {
                (Some(start), Some(end)) => {
                    self.check_hours(start, end, ends_next_day, change.span())
                }
                _ => None,
            };
            let changed_revised = c
                .revised
                .as_ref()
                .map_or(Some(revised), |r| self.instant(r));
            let (Some(date), Some(changed_hours), Some(changed_revised)) =
                (date, changed_hours, changed_revised)
            else {
                continue;
            };
            for impact in impacts {
                for service in &impact.services {
                    if let Some(range) = service.hours
                        && !sub_range_fits(range, changed_hours)
                    {
                        self.error_help(
                            change.span(),
                            format!(
                                "the changed hours leave `{}` of group `{}` outside the window",
                                service.service, impact.group
                            ),
                            "change the hours so that every service's own hours still fit",
                        );
                    }
                }
            }
            changes.push(OccurrenceChange {
                rule_date,
                date,
                hours: changed_hours,
                status: c
                    .status
                    .as_ref()
                    .map_or(status, |s| self::status(*s.get_ref())),
                notes: self.texts(&c.notes, true),
                revised: changed_revised,
                revision: c.revision.as_ref().map_or(revision, |r| *r.get_ref()),
            });
        }
        changes.sort_by_key(|change| change.rule_date);
        changes
    }

    fn monthly_on(&mut self, on: &Spanned<String>) -> Option<(i8, Weekday)> {
        let text = on.get_ref().trim().to_ascii_lowercase();
        let mut words = text.split_whitespace();
        let (Some(nth), Some(day), None) = (words.next(), words.next(), words.next()) else {
            self.error_help(
                on.span(),
                format!("cannot read `{}`", on.get_ref()),
                "write the nth weekday: \"1st sunday\" … \"5th sunday\", or \"last sunday\"",
            );
            return None;
        };
        let nth = match nth {
            "1st" | "first" => Some(1),
            "2nd" | "second" => Some(2),
            "3rd" | "third" => Some(3),
            "4th" | "fourth" => Some(4),
            "5th" | "fifth" => Some(5),
            "last" => Some(-1),
            _ => None,
        };
        let weekday = day.trim_end_matches('s').parse::<Weekday>().ok();
        match (nth, weekday) {
            (Some(nth), Some(weekday)) => Some((nth, weekday)),
            (None, _) => {
                self.error_help(on.span(), format!("`{}`: the week must be 1st to 5th or last", on.get_ref()), "e.g. \"2nd sunday\" or \"last sunday\"; a month has at most five of any weekday");
                None
            }
            (_, None) => {
                self.error_help(
                    on.span(),
                    format!("`{}`: unknown weekday", on.get_ref()),
                    "use an English weekday: monday … sunday",
                );
                None
            }
        }
    }

    // ---- values ------------------------------------------------------------

    fn hours(
        &mut self,
        start: &Spanned<toml::value::Datetime>,
        end: &Spanned<toml::value::Datetime>,
        ends_next_day: bool,
    ) -> Option<Hours> {
        let (start_time, end_time) = (self.local_time(start)?, self.local_time(end)?);
        self.check_hours(start_time, end_time, ends_next_day, end.span())
    }

    fn check_hours(
        &mut self,
        start: NaiveTime,
        end: NaiveTime,
        ends_next_day: bool,
        span: Range<usize>,
    ) -> Option<Hours> {
        if !ends_next_day && end <= start {
            self.error_help(
                span,
                if end == start {
                    format!("the window ends when it starts ({})", end.format("%H:%M"))
                } else {
                    format!(
                        "the window ends ({}) before it starts ({})",
                        end.format("%H:%M"),
                        start.format("%H:%M")
                    )
                },
                "if the window crosses midnight, add ends_next_day = true",
            );
            return None;
        }
        Some(Hours {
            start,
            end,
            ends_next_day,
        })
    }

    fn id(&mut self, id: &Spanned<String>, what: &str) -> String {
        let text = id.get_ref();
        let valid = !text.is_empty()
            && text.len() <= MAX_ID_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-');
        if !valid {
            let slug: String = text
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .trim_matches('-')
                .to_owned();
            let help = if slug.is_empty() {
                "use lower-case letters, digits and hyphens, e.g. `rms`".to_owned()
            } else {
                format!("use lower-case letters, digits and hyphens, e.g. `{slug}`")
            };
            self.error_help(id.span(), format!("`{text}` is not a valid {what}: ids are up to {MAX_ID_LEN} of a-z, 0-9 and -, not starting with -"), help);
        }
        text.clone()
    }

    fn required_line(&mut self, text: &Spanned<String>, what: &str) -> String {
        let value = self.text(text, false);
        if value.trim().is_empty() {
            self.error(text.span(), format!("the {what} is empty"));
        }
        value
    }

    fn texts(&mut self, texts: &[Spanned<String>], multiline: bool) -> Vec<String> {
        texts.iter().map(|t| self.text(t, multiline)).collect()
    }

    /// Text that will appear in a feed: CRLF from a multi-line TOML string
    /// becomes LF; anything that could break a content line is rejected.
    fn text(&mut self, text: &Spanned<String>, multiline: bool) -> String {
        let value = if multiline {
            text.get_ref().replace("\r\n", "\n")
        } else {
            text.get_ref().clone()
        };
        if let Some((_, c)) = forbidden_char(&value, multiline) {
            let help = if c == '\n' {
                "this field is a single line; remove the line break".to_owned()
            } else {
                "remove it; calendar clients would show it as garbage or break the event".to_owned()
            };
            self.error_help(
                text.span(),
                format!(
                    "this text contains {}, which a feed cannot carry",
                    describe_char(c)
                ),
                help,
            );
        }
        value
    }

    fn url(&mut self, url: &Spanned<String>) -> String {
        let value = url.get_ref();
        let valid = (value.starts_with("https://") || value.starts_with("http://"))
            && !value
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
        if !valid {
            self.error_help(
                url.span(),
                format!("`{value}` is not a usable URL"),
                "give an absolute http(s) URL without spaces",
            );
        }
        value.clone()
    }

    fn base_url(&mut self, url: &Spanned<String>) -> String {
        match crate::site::base_url(url.get_ref()) {
            Ok(normalized) => normalized,
            Err(problem) => {
                self.error_help(
                    url.span(),
                    format!("`{}` is not a usable base URL: {problem}", url.get_ref()),
                    "give the public http(s) address of the folder the feeds are served from, e.g. \"https://example.github.io/maintcal/\"",
                );
                url.get_ref().clone()
            }
        }
    }

    fn timezone(&mut self, zone: &Spanned<String>) -> Option<Tz> {
        let name = zone.get_ref();
        match name.parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                let known: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
                self.error_help(
                    zone.span(),
                    format!("{name}: unknown time zone"),
                    suggestion(name, &known),
                );
                None
            }
        }
    }

    fn local_date(&mut self, value: &Spanned<toml::value::Datetime>) -> Option<NaiveDate> {
        let datetime = value.get_ref();
        match (datetime.date, datetime.time) {
            (Some(date), None) => {
                let parsed = NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                );
                if parsed.is_none() {
                    self.error(value.span(), format!("{datetime} is not a calendar date"));
                }
                parsed
            }
            _ => {
                self.error_help(
                    value.span(),
                    format!("expected a date, found `{datetime}`"),
                    "write a bare local date, e.g. 2020-05-17",
                );
                None
            }
        }
    }

    fn local_time(&mut self, value: &Spanned<toml::value::Datetime>) -> Option<NaiveTime> {
        let datetime = value.get_ref();
        match (datetime.date, datetime.time, datetime.offset) {
            (None, Some(time), None) => {
                if time.nanosecond.unwrap_or(0) != 0 {
                    self.error_help(
                        value.span(),
                        "fractions of a second are not supported",
                        "write hours and minutes, e.g. 02:00",
                    );
                    return None;
                }
                let parsed = NaiveTime::from_hms_opt(
                    u32::from(time.hour),
                    u32::from(time.minute),
                    u32::from(time.second.unwrap_or(0)),
                );
                if parsed.is_none() {
                    self.error(value.span(), format!("{datetime} is not a time of day"));
                }
                parsed
            }
            _ => {
                self.error_help(
                    value.span(),
                    format!("expected a local time of day, found `{datetime}`"),
                    "write the wall-clock time in the calendar's zone, e.g. 02:00",
                );
                None
            }
        }
    }

    fn instant(&mut self, value: &Spanned<toml::value::Datetime>) -> Option<DateTime<Utc>> {
        let datetime = value.get_ref();
        let parsed = (|| {
            let (date, time, offset) = (datetime.date?, datetime.time?, datetime.offset?);
            let minutes = match offset {
                toml::value::Offset::Z => 0,
                toml::value::Offset::Custom { minutes } => i32::from(minutes),
            };
            let offset = FixedOffset::east_opt(minutes * 60)?;
            let date = NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )?;
            let time = NaiveTime::from_hms_opt(
                u32::from(time.hour),
                u32::from(time.minute),
                u32::from(time.second.unwrap_or(0)),
            )?;
            Some(
                date.and_time(time)
                    .and_local_timezone(offset)
                    .single()?
                    .with_timezone(&Utc),
            )
        })();
        if parsed.is_none() {
            self.error_help(
                value.span(),
                format!("expected a date and time with its UTC offset, found `{datetime}`"),
                "e.g. revised = 2020-05-01T10:00:00+09:00",
            );
        }
        parsed
    }
}

fn status(source: StatusSource) -> Status {
    match source {
        StatusSource::Confirmed => Status::Confirmed,
        StatusSource::Tentative => Status::Tentative,
        StatusSource::Cancelled => Status::Cancelled,
    }
}

/// Whether a service's own hours lie inside the window's hours; times earlier
/// than the window's start are on the next day.
pub fn sub_range_fits(range: SubRange, hours: Hours) -> bool {
    let (start, end) = (
        minutes_into(range.start, hours),
        minutes_into(range.end, hours),
    );
    let length = window_minutes(hours);
    start < end && end <= length
}

/// Minutes from the window's start to `time` (on the start day or the next).
pub fn minutes_into(time: NaiveTime, hours: Hours) -> i64 {
    let delta = (time - hours.start).num_minutes();
    if delta < 0 || (delta == 0 && time != hours.start) {
        delta + 24 * 60
    } else {
        delta
    }
}

/// The window's length in wall-clock minutes.
pub fn window_minutes(hours: Hours) -> i64 {
    let delta = (hours.end - hours.start).num_minutes();
    if hours.ends_next_day {
        delta + 24 * 60
    } else {
        delta
    }
}

/// "did you mean …?" for the closest known name, if any is close.
pub fn suggestion(unknown: &str, known: &[&str]) -> String {
    let lower = unknown.to_lowercase();
    let best = known
        .iter()
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&lower, &candidate.to_lowercase()),
                *candidate,
            )
        })
        .min();
    match best {
        Some((distance, candidate)) if distance <= (unknown.chars().count() / 3).max(2) => {
            format!("did you mean `{candidate}`?")
        }
        _ if known.is_empty() => "there is nothing of that kind declared yet".to_owned(),
        _ if known.len() <= 12 => format!("known: {}", known.join(", ")),
        _ => "check the spelling".to_owned(),
    }
}

fn nearest_dates(dates: &BTreeSet<NaiveDate>, date: NaiveDate) -> String {
    let before = dates.range(..date).next_back();
    let after = dates.range(date..).next();
    match (before, after) {
        (Some(b), Some(a)) => format!("the nearest dates of the rule are {b} and {a}"),
        (Some(d), None) | (None, Some(d)) => format!("the nearest date of the rule is {d}"),
        (None, None) => "the rule gives no dates".to_owned(),
    }
}

/// Ids that must be unique across files: reports every repeat after the first.
pub fn duplicates<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|id| !seen.insert(*id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_zone_meant() {
        let known: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
        assert_eq!(
            suggestion("Asia/Tokio", &known),
            "did you mean `Asia/Tokyo`?"
        );
    }

    #[test]
    fn sub_ranges_across_midnight() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let overnight = Hours {
            start: t(22),
            end: t(4),
            ends_next_day: true,
        };
        assert!(sub_range_fits(
            SubRange {
                start: t(23),
                end: t(2)
            },
            overnight
        ));
        assert!(sub_range_fits(
            SubRange {
                start: t(22),
                end: t(4)
            },
            overnight
        ));
        assert!(!sub_range_fits(
            SubRange {
                start: t(21),
                end: t(2)
            },
            overnight
        ));
        assert!(!sub_range_fits(
            SubRange {
                start: t(2),
                end: t(5)
            },
            overnight
        ));
        let morning = Hours {
            start: t(2),
            end: t(8),
            ends_next_day: false,
        };
        assert!(sub_range_fits(
            SubRange {
                start: t(3),
                end: t(5)
            },
            morning
        ));
        assert!(!sub_range_fits(
            SubRange {
                start: t(5),
                end: t(3)
            },
            morning
        ));
    }
}
