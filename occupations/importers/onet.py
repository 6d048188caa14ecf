"""Import an O*NET database release folder (text or Excel form of each file)."""

import hashlib
import re
import time
from collections import defaultdict
from datetime import MINYEAR, date
from pathlib import Path

from adminsite.history import IMPORT_REVISION_PREFIX

from .. import page_cache
from ..models import (
    AlternateTitle,
    DataRelease,
    JobZone,
    Occupation,
    OccupationSkill,
    OccupationTechnology,
    RelatedOccupation,
    Skill,
    SkillCategory,
    Task,
    Technology,
    TechnologyCategory,
    search_documents_written_by_caller,
)
from .readers import DataFileError, file_bytes, read_rows
from .sync import ImportReport, keep_editor_text, sync_rows
from .values import (
    bounded,
    decimal,
    flag,
    integer,
    limited,
    once,
    onet_code,
    release_checked,
    text,
)

CODE = "O*NET-SOC Code"
# The columns holding an occupation's code, read without the spaces around it.
CODE_COLUMNS = (CODE, "Related O*NET-SOC Code")

# What the import reads: key -> (the file's name in the release, without its .txt or
# .xlsx; the columns the import needs, of more the files have).
FILES = {
    "occupations": ("Occupation Data", (CODE, "Title", "Description")),
    "tasks": ("Task Statements", (CODE, "Task ID", "Task", "Task Type")),
    "task_ratings": ("Task Ratings", (CODE, "Task ID", "Scale ID", "Data Value")),
    "skills": (
        "Skills",
        (CODE, "Element ID", "Element Name", "Scale ID", "Data Value"),
    ),
    "content_model": (
        "Content Model Reference",
        ("Element ID", "Element Name", "Description"),
    ),
    "technologies": (
        "Technology Skills",
        (
            CODE,
            "Example",
            "Commodity Code",
            "Commodity Title",
            "Hot Technology",
            "In Demand",
        ),
    ),
    "alternate_titles": (
        "Alternate Titles",
        (CODE, "Alternate Title", "Short Title", "Source(s)"),
    ),
    "reported_titles": (
        "Sample of Reported Titles",
        (CODE, "Reported Job Title", "Shown in My Next Move"),
    ),
    "job_zones": ("Job Zones", (CODE, "Job Zone")),
    "job_zone_reference": (
        "Job Zone Reference",
        (
            "Job Zone",
            "Name",
            "Experience",
            "Education",
            "Job Training",
            "Examples",
            "SVP Range",
        ),
    ),
    "related": (
        "Related Occupations",
        (CODE, "Related O*NET-SOC Code", "Relatedness Tier", "Index"),
    ),
    "education": (
        "Education, Training, and Experience",
        (
            CODE,
            "Element ID",
            "Scale ID",
            "Category",
            "Data Value",
            "Recommend Suppress",
        ),
    ),
    "education_categories": (
        "Education, Training, and Experience Categories",
        ("Element ID", "Scale ID", "Category", "Category Description"),
    ),
}
SUFFIXES = (".txt", ".txt.gz", ".xlsx", ".xlsx.gz")

# O*NET's skill groups under the names career pages use, longest prefix first.
SKILL_CATEGORIES = (
    ("2.B.1", "Social Skills", 4),
    ("2.B.2", "Problem Solving", 3),
    ("2.B.3", "Technical Skills", 5),
    ("2.B.4", "People and Technology Systems", 2),
    ("2.B.5", "Resource Management", 6),
    ("2.A", "Basic Skills", 1),
)
TASK_TYPES = {
    "Core": Task.Type.CORE.value,
    "Supplemental": Task.Type.SUPPLEMENTAL.value,
    "": "",
}
# The Scale IDs of the rated files' rows (O*NET's Scales Reference): Skills rate
# importance (IM) and level (LV); Task Ratings importance (IM), which the import
# reads, beside frequency (FT) and relevance (RT). Another is a damaged or
# shifted row, refused: skipped, its rating was silently missing.
SKILL_SCALES = ("IM", "LV")
TASK_RATING_SCALES = ("FT", "IM", "RT")
# Education, Training, and Experience: required level of education (RL), which
# the import reads, beside related work experience (RW), on-site or in-plant
# training (PT), on-the-job training (OJ) and the instructional program's
# importance (IM).
EDUCATION_SCALES = ("IM", "OJ", "PT", "RL", "RW")
TASK_TYPE_ORDER = {Task.Type.CORE: 0, Task.Type.SUPPLEMENTAL: 1, "": 2}
TIERS = {label: value for value, label in RelatedOccupation.Tier.choices}
README_RELEASE = re.compile(r"O\*NET\s+(\d+\.\d+)\s+Database")
README_DATE = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+(\d{4})\s+Release"
)
MONTHS = (
    "January February March April May June July August September October "
    "November December"
).split()
ATTRIBUTION = (
    "This site includes information from the {name} Database by the U.S. Department "
    "of Labor, Employment and Training Administration (USDOL/ETA). Used under the "
    "CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has not "
    "approved, endorsed, or tested these modifications."
)
PROGRESS_EVERY = 20_000


def find_files(directory):
    """{key: path} of the O*NET files present, text form preferred."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DataFileError(directory, "not a folder; pass the O*NET release folder.")
    found = {}
    for key, (name, _) in FILES.items():
        for suffix in SUFFIXES:
            path = directory / f"{name}{suffix}"
            if path.is_file():
                found[key] = path
                break
    if "occupations" not in found:
        raise DataFileError(
            directory,
            "no 'Occupation Data.txt' or '.xlsx' here; is this an O*NET release "
            "folder?",
        )
    return found


def release_from_readme(directory):
    """("O*NET 29.3", date(2025, 5, 1)) from the release's Read Me.txt, if any."""
    readme = Path(directory) / "Read Me.txt"
    if not readme.is_file():
        return None, None
    content = readme.read_text(encoding="utf-8", errors="replace")
    name = README_RELEASE.search(content)
    when = README_DATE.search(content)
    year = int(when.group(2)) if when else None
    if year is not None and year < MINYEAR:
        raise DataFileError(readme, f"it names the release {when.group(0)!r}.")
    return (
        f"O*NET {name.group(1)}" if name else None,
        date(year, MONTHS.index(when.group(1)) + 1, 1) if when else None,
    )


# Bump when an importer reads the same files differently (a new matching rule, a
# new column kept): `load_catalogue` then imports its snapshot again, once, where
# a database holds what the old rules made of it.
IMPORT_RULES_VERSION = (
    "2026-11-27 O*NET specialties name their BLS occupation; education levels"
    " O*NET recommends suppressing are left out, ties named; quoted text fields"
    " read out of their quotes; lone letters in a row in titles are one word, C++"
    " and C# words of their own"
)


def files_digest(paths):
    """Names the release files as imported: their names and bytes, and the rules
    (`IMPORT_RULES_VERSION`) that read them. Kept on the release it made."""
    digest = hashlib.sha256(IMPORT_RULES_VERSION.encode())
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(file_bytes(path))
    return digest.hexdigest()


class _OnetImport:
    def __init__(self, files, report):
        self.files = files
        self.report = report

    def rows(self, key):
        path = self.files[key]
        name, required = FILES[key]
        count = 0
        started = time.perf_counter()
        for count, (line, row) in enumerate(read_rows(path, required), start=1):
            if count % PROGRESS_EVERY == 0:
                self.report.write(f"  {path.name}: {count:,} rows…")
            # Every file's codes read once, as onet_code() checks them: "11-1011.00 "
            # passed that check, then was another occupation to the duplicate
            # checks and the Task Ratings lookup, which used the cell as written.
            for column in CODE_COLUMNS:
                if column in row:
                    row[column] = text(row[column])
            yield path, line, row
        if not count:
            raise DataFileError(path, "no rows under the header; is the file complete?")
        self.report.timed(f"read {path.name}", count, time.perf_counter() - started)
        self.report.write(f"  {path.name}: {count:,} rows read")

    def occupation_id(self, path, line, value, column=CODE):
        code = onet_code(value, path=path, line=line, column=column)
        try:
            return self.occupation_ids[code]
        except KeyError:
            raise DataFileError(
                path, f"{code} is not in Occupation Data; wrong release?", line
            ) from None

    def run(self, release):
        self.report.revision_reason = f"{IMPORT_REVISION_PREFIX}{release.name}"
        occupations = self.read_occupations(release)
        self.extra_occupation_fields(occupations)
        fields = list(next(iter(occupations.values())).keys()) if occupations else []
        incoming = {(code,): values for code, values in occupations.items()}
        imported_texts = keep_editor_text(
            Occupation.objects.all(),
            key_fields=("code",),
            texts=("title", "description"),
            incoming=incoming,
        )
        sync_rows(
            Occupation,
            key_fields=("code",),
            value_fields=[*fields, *imported_texts],
            incoming=incoming,
            existing=Occupation.objects.all(),
            report=self.report,
            label="Occupations",
            remove=False,
            record_changes=True,
        )
        self.note_occupations_left_out(occupations, release)
        self.occupation_ids = dict(
            Occupation.objects.filter(code__in=occupations).values_list("code", "pk")
        )
        self.scope = list(self.occupation_ids.values())
        for key, step in (
            ("tasks", self.import_tasks),
            ("skills", self.import_skills),
            ("technologies", self.import_technologies),
            ("job_zone_reference", self.import_job_zone_reference),
            ("related", self.import_related),
        ):
            if key in self.files:
                step()
        self.import_titles()
        # Bulk writes skip Occupation.save() and the alternate titles' signals:
        # each imported occupation's search document is rebuilt once, from its
        # titles as now stored (the editors' search titles with O*NET's), and
        # its vectors with it, as the admin's saves rebuild them.
        Occupation.objects.filter(pk__in=self.scope).refresh_search_document()

    def note_occupations_left_out(self, occupations, release):
        """Name the stored occupations the release does not list (O*NET retires
        some codes). They are kept, with their pages and an earlier release's
        data, which their pages credit; the report had not said so, and a
        retired code lived on unnoticed."""
        left_out = list(
            Occupation.objects.exclude(code__in=occupations)
            .order_by("code")
            .values_list("code", flat=True)
        )
        if left_out:
            named = ", ".join(left_out[:10])
            more = f" and {len(left_out) - 10:,} more" if len(left_out) > 10 else ""
            self.report.note(
                f"{len(left_out):,} occupation{'s' if len(left_out) > 1 else ''} "
                f"in the database {'are' if len(left_out) > 1 else 'is'} not in "
                f"{release.name}, kept with the data of the release that last "
                f"had {'them' if len(left_out) > 1 else 'it'}: {named}{more}."
            )

    def read_occupations(self, release):
        occupations = {}
        first_line = {}
        for path, line, row in self.rows("occupations"):
            code = onet_code(row[CODE], path=path, line=line)
            once(code, line, first_line, path=path)
            title = limited(
                text(row["Title"]), 200, path=path, line=line, column="Title"
            )
            if not title:
                raise DataFileError(path, f"{code} has no Title.", line)
            occupations[code] = {
                "title": title,
                "description": text(row["Description"]),
                "release_id": release.pk,
            }
        if not occupations:
            raise DataFileError(
                self.files["occupations"], "no occupations in the file."
            )
        self.codes = set(occupations)
        return occupations

    def known_code(self, path, line, value, column=CODE):
        code = onet_code(value, path=path, line=line, column=column)
        if code not in self.codes:
            raise DataFileError(
                path, f"{code} is not in Occupation Data; wrong release?", line
            )
        return code

    def extra_occupation_fields(self, occupations):
        """Job zone and education live on the occupation row. The titles' files
        are read here too, into `self.titles`, which `import_titles` writes."""
        if "job_zones" in self.files:
            zones, first_line = {}, {}
            for path, line, row in self.rows("job_zones"):
                code = self.known_code(path, line, row[CODE])
                once(code, line, first_line, path=path)
                zones[code] = bounded(
                    integer(row["Job Zone"], path=path, line=line, column="Job Zone"),
                    1,
                    5,
                    path=path,
                    line=line,
                    column="Job Zone",
                )
            for code, values in occupations.items():
                values["job_zone"] = zones.get(code)
        if "education" in self.files and "education_categories" in self.files:
            labels, first_label_line = {}, {}
            for path, line, row in self.rows("education_categories"):
                if text(row["Scale ID"]) == "RL":
                    category = integer(
                        row["Category"], path=path, line=line, column="Category"
                    )
                    # A second name for a level would rename it silently.
                    once(
                        f"The RL category {category}",
                        line,
                        first_label_line,
                        path=path,
                    )
                    labels[category] = limited(
                        text(row["Category Description"]).split(" - ")[0],
                        100,
                        path=path,
                        line=line,
                        column="Category Description",
                    )
            shares, first_line = defaultdict(dict), {}
            for path, line, row in self.rows("education"):
                if scale_id(row, EDUCATION_SCALES, path=path, line=line) != "RL":
                    continue
                code = self.known_code(path, line, row[CODE])
                category = integer(
                    row["Category"], path=path, line=line, column="Category"
                )
                once(
                    f"The RL share of category {category} for {code}",
                    line,
                    first_line,
                    path=path,
                )
                # A share left out would move the most common level to another
                # category without a word.
                share = data_value(
                    row,
                    0,
                    100,
                    path=path,
                    line=line,
                    kind="education share",
                    column="Data Value (a percentage)",
                )
                # O*NET's low-precision estimates (too few respondents), which it
                # recommends not showing.
                suppress = flag(
                    row["Recommend Suppress"],
                    path=path,
                    line=line,
                    column="Recommend Suppress",
                )
                shares[code][category] = (share, suppress)
            for code, values in occupations.items():
                level, share = most_common_level(shares.get(code, {}), labels)
                values["education_level"] = level
                values["education_level_percent"] = share
        self.titles = {}
        for kind, key, column in (
            (AlternateTitle.Kind.ALTERNATE, "alternate_titles", "Alternate Title"),
            (AlternateTitle.Kind.REPORTED, "reported_titles", "Reported Job Title"),
        ):
            if key not in self.files:
                continue
            rows = self.titles.setdefault(kind, {})
            first_line, first_short_title_line = {}, {}
            for path, line, row in self.rows(key):
                code = self.known_code(path, line, row[CODE])
                title = limited(
                    text(row[column]), 250, path=path, line=line, column=column
                )
                if not title:
                    continue
                if kind == AlternateTitle.Kind.ALTERNATE:
                    short = limited(
                        text(row["Short Title"]),
                        100,
                        path=path,
                        line=line,
                        column="Short Title",
                    )
                    # O*NET gives a few titles twice, without a Short Title and
                    # with one (29.3: 21-1014.00's "Licensed Mental Health
                    # Counselor (LMHC)", sources 04, then short "LMHC", 02,04):
                    # one title, keeping the short title and both rows' sources.
                    # Any other repeat is refused, naming both lines: the last
                    # row would otherwise win.
                    once(
                        f"{column} {title!r} of {code}"
                        + (f" with Short Title {short!r}" if short else ""),
                        line,
                        first_line,
                        path=path,
                    )
                    if short:
                        once(
                            f"A Short Title for {title!r} of {code}",
                            line,
                            first_short_title_line,
                            path=path,
                        )
                    sources = text(row["Source(s)"])
                    if earlier := rows.get((code, title)):
                        short = short or earlier["short_title"]
                        sources = merged_sources(earlier["sources"], sources)
                    values = {
                        "short_title": short,
                        "sources": limited(
                            sources, 50, path=path, line=line, column="Source(s)"
                        ),
                        "shown_in_my_next_move": False,
                    }
                else:
                    once(f"{column} {title!r} of {code}", line, first_line, path=path)
                    values = {
                        "short_title": "",
                        "sources": "",
                        "shown_in_my_next_move": flag(
                            row["Shown in My Next Move"],
                            path=path,
                            line=line,
                            column="Shown in My Next Move",
                        ),
                    }
                rows[(code, title)] = values

    def import_tasks(self):
        importance, first_rating_line = {}, {}
        if "task_ratings" in self.files:
            for path, line, row in self.rows("task_ratings"):
                if scale_id(row, TASK_RATING_SCALES, path=path, line=line) != "IM":
                    continue
                code = self.known_code(path, line, row[CODE])
                task_id = integer(
                    row["Task ID"], path=path, line=line, column="Task ID"
                )
                once(
                    f"The IM rating of Task ID {task_id} for {code}",
                    line,
                    first_rating_line,
                    path=path,
                )
                importance[(code, task_id)] = data_value(
                    row, 1, 5, path=path, line=line
                )
        else:
            self.report.note(
                "No Task Ratings file: tasks are ordered Core first, in file order."
            )
        by_occupation = defaultdict(list)
        first_line = {}
        for order, (path, line, row) in enumerate(self.rows("tasks")):
            occupation_id = self.occupation_id(path, line, row[CODE])
            code = row[CODE]
            task_id = integer(row["Task ID"], path=path, line=line, column="Task ID")
            once(f"Task ID {task_id} of {code}", line, first_line, path=path)
            if not text(row["Task"]):
                raise DataFileError(path, f"Task {task_id} of {code} is empty.", line)
            task_type = text(row["Task Type"])
            if task_type not in TASK_TYPES:
                raise DataFileError(
                    path,
                    f"Task Type is {task_type!r}; expected Core, Supplemental or "
                    "empty.",
                    line,
                )
            by_occupation[occupation_id].append(
                (
                    task_id,
                    {
                        "statement": text(row["Task"]),
                        "task_type": TASK_TYPES[task_type],
                        "importance": importance.get((code, task_id)),
                    },
                    order,
                )
            )
        incoming = {}
        for occupation_id, tasks in by_occupation.items():
            tasks.sort(
                key=lambda task: (
                    -(task[1]["importance"] or 0),
                    TASK_TYPE_ORDER[task[1]["task_type"]],
                    task[2],
                )
            )
            for rank, (task_id, values, _) in enumerate(tasks, start=1):
                incoming[(occupation_id, task_id)] = {**values, "rank": rank}
        existing = Task.objects.filter(
            occupation_id__in=self.scope, onet_task_id__isnull=False
        )
        imported_texts = keep_editor_text(
            existing,
            key_fields=("occupation_id", "onet_task_id"),
            texts=("statement",),
            incoming=incoming,
        )
        sync_rows(
            Task,
            key_fields=("occupation_id", "onet_task_id"),
            value_fields=(
                "statement",
                *imported_texts,
                "task_type",
                "importance",
                "rank",
            ),
            incoming=incoming,
            existing=existing,
            report=self.report,
            label="Tasks",
        )

    def import_skills(self):
        # {element ID: (name, description, path, line)}: where a skill's name is
        # read, to name the line of one too long. Content Model Reference's
        # names of other elements may be longer (29.3's run to 139 characters).
        elements, first_element_line = {}, {}
        if "content_model" in self.files:
            for path, line, row in self.rows("content_model"):
                element_id = text(row["Element ID"])
                # A second row would rename the skill silently.
                once(
                    f"Element ID {element_id}",
                    line,
                    first_element_line,
                    path=path,
                )
                elements[element_id] = (
                    text(row["Element Name"]),
                    text(row["Description"]),
                    path,
                    line,
                )
        ratings, names, first_line = {}, {}, {}
        for path, line, row in self.rows("skills"):
            scale = scale_id(row, SKILL_SCALES, path=path, line=line)
            occupation_id = self.occupation_id(path, line, row[CODE])
            element_id = limited(
                text(row["Element ID"]), 20, path=path, line=line, column="Element ID"
            )
            if not any(
                element_id.startswith(prefix) for prefix, *_ in SKILL_CATEGORIES
            ):
                raise DataFileError(
                    path, f"Element ID {element_id!r} is not a skill.", line
                )
            names.setdefault(element_id, (text(row["Element Name"]), "", path, line))
            low, high = (1, 5) if scale == "IM" else (0, 7)
            value = data_value(row, low, high, path=path, line=line)
            field = "importance" if scale == "IM" else "level"
            once(
                f"The {scale} rating of {element_id} for {row[CODE]}",
                line,
                first_line,
                path=path,
            )
            ratings.setdefault(
                (occupation_id, element_id), {"importance": None, "level": None}
            )[field] = value
        categories = self.skill_categories()
        skills = {}
        for element_id, named_in_skills in names.items():
            name, description, path, line = elements.get(element_id, named_in_skills)
            category = next(
                categories[label]
                for prefix, label, _ in SKILL_CATEGORIES
                if element_id.startswith(prefix)
            )
            skills[(element_id,)] = {
                "name": limited(name, 100, path=path, line=line, column="Element Name"),
                "description": description,
                "category_id": category,
            }
        sync_rows(
            Skill,
            key_fields=("element_id",),
            value_fields=("name", "description", "category_id"),
            incoming=skills,
            existing=Skill.objects.all(),
            report=self.report,
            label="Skills",
            remove=False,
        )
        skill_ids = dict(Skill.objects.values_list("element_id", "pk"))
        sync_rows(
            OccupationSkill,
            key_fields=("occupation_id", "skill_id"),
            value_fields=("importance", "level"),
            incoming={
                (occupation_id, skill_ids[element_id]): values
                for (occupation_id, element_id), values in ratings.items()
            },
            existing=OccupationSkill.objects.filter(occupation_id__in=self.scope),
            report=self.report,
            label="Occupation skills",
        )

    def skill_categories(self):
        existing = dict(SkillCategory.objects.values_list("name", "pk"))
        missing = [
            SkillCategory(name=label, position=position)
            for _, label, position in SKILL_CATEGORIES
            if label not in existing
        ]
        if missing:
            SkillCategory.objects.bulk_create(missing)
            existing = dict(SkillCategory.objects.values_list("name", "pk"))
        return existing

    def import_technologies(self):
        categories, technologies, links = {}, {}, {}
        first_line, commodity_of = {}, {}
        for path, line, row in self.rows("technologies"):
            occupation_id = self.occupation_id(path, line, row[CODE])
            commodity = integer(
                row["Commodity Code"], path=path, line=line, column="Commodity Code"
            )
            title = limited(
                text(row["Commodity Title"]),
                150,
                path=path,
                line=line,
                column="Commodity Title",
            )
            # One title, one code: the category's title is unique.
            code_of_title = commodity_of.setdefault(title, commodity)
            if code_of_title != commodity:
                raise DataFileError(
                    path,
                    f"Commodity Title {title!r} is given to codes {code_of_title} "
                    f"and {commodity}.",
                    line,
                )
            categories[(commodity,)] = {"title": title}
            name = limited(
                text(row["Example"]), 200, path=path, line=line, column="Example"
            )
            if not name:
                raise DataFileError(
                    path, f"a technology of {row[CODE]} has no Example.", line
                )
            once(f"{name} ({commodity}) for {row[CODE]}", line, first_line, path=path)
            hot = flag(
                row["Hot Technology"], path=path, line=line, column="Hot Technology"
            )
            previous = technologies.get((name, commodity), {"is_hot_technology": False})
            technologies[(name, commodity)] = {
                "is_hot_technology": previous["is_hot_technology"] or hot
            }
            links[(occupation_id, name, commodity)] = {
                "is_in_demand": flag(
                    row["In Demand"], path=path, line=line, column="In Demand"
                )
            }
        sync_rows(
            TechnologyCategory,
            key_fields=("commodity_code",),
            value_fields=("title",),
            incoming=categories,
            existing=TechnologyCategory.objects.all(),
            report=self.report,
            label="Technology categories",
            remove=False,
        )
        category_ids = dict(
            TechnologyCategory.objects.values_list("commodity_code", "pk")
        )
        sync_rows(
            Technology,
            key_fields=("name", "category_id"),
            value_fields=("is_hot_technology",),
            incoming={
                (name, category_ids[commodity]): values
                for (name, commodity), values in technologies.items()
            },
            existing=Technology.objects.all(),
            report=self.report,
            label="Technologies",
            remove=False,
            record_changes=True,
        )
        technology_ids = {
            (name, category): pk
            for pk, name, category in Technology.objects.values_list(
                "pk", "name", "category_id"
            )
        }
        sync_rows(
            OccupationTechnology,
            key_fields=("occupation_id", "technology_id"),
            value_fields=("is_in_demand",),
            incoming={
                (
                    occupation_id,
                    technology_ids[(name, category_ids[commodity])],
                ): values
                for (occupation_id, name, commodity), values in links.items()
            },
            existing=OccupationTechnology.objects.filter(occupation_id__in=self.scope),
            report=self.report,
            label="Occupation technologies",
        )

    def import_job_zone_reference(self):
        zones, first_line = {}, {}
        for path, line, row in self.rows("job_zone_reference"):
            number = bounded(
                integer(row["Job Zone"], path=path, line=line, column="Job Zone"),
                1,
                5,
                path=path,
                line=line,
                column="Job Zone",
            )
            once(f"Job Zone {number}", line, first_line, path=path)
            zones[(number,)] = {
                "name": limited(
                    text(row["Name"]), 100, path=path, line=line, column="Name"
                ),
                "experience": text(row["Experience"]),
                "education": text(row["Education"]),
                "job_training": text(row["Job Training"]),
                "examples": text(row["Examples"]),
                "svp_range": limited(
                    text(row["SVP Range"]),
                    50,
                    path=path,
                    line=line,
                    column="SVP Range",
                ),
            }
        sync_rows(
            JobZone,
            key_fields=("number",),
            value_fields=(
                "name",
                "experience",
                "education",
                "job_training",
                "examples",
                "svp_range",
            ),
            incoming=zones,
            existing=JobZone.objects.all(),
            report=self.report,
            label="Job zones",
        )

    def import_related(self):
        incoming, first_line = {}, {}
        for path, line, row in self.rows("related"):
            occupation_id = self.occupation_id(path, line, row[CODE])
            related_id = self.occupation_id(
                path, line, row["Related O*NET-SOC Code"], "Related O*NET-SOC Code"
            )
            pair = f"{row['Related O*NET-SOC Code']} related to {row[CODE]}"
            once(pair, line, first_line, path=path)
            tier = text(row["Relatedness Tier"])
            if tier not in TIERS:
                raise DataFileError(
                    path, f"Relatedness Tier {tier!r} is not one O*NET uses.", line
                )
            if related_id == occupation_id:
                continue
            incoming[(occupation_id, related_id)] = {
                "tier": TIERS[tier],
                "index": integer(
                    row["Index"], path=path, line=line, column="Index", maximum=32767
                ),
            }
        sync_rows(
            RelatedOccupation,
            key_fields=("occupation_id", "related_id"),
            value_fields=("tier", "index"),
            incoming=incoming,
            existing=RelatedOccupation.objects.filter(occupation_id__in=self.scope),
            report=self.report,
            label="Related occupations",
        )

    def import_titles(self):
        """Each O*NET kind of title as its file has it; editors' search titles,
        of their own kind, are left as they are. The rows removed here do not
        rebuild their occupations' search documents, a batch at a time: `run`
        rebuilds them all once, after the titles are written."""
        with search_documents_written_by_caller():
            for kind, rows in self.titles.items():
                sync_rows(
                    AlternateTitle,
                    key_fields=("occupation_id", "kind", "title"),
                    value_fields=("short_title", "sources", "shown_in_my_next_move"),
                    incoming={
                        (self.occupation_ids[code], kind, title): values
                        for (code, title), values in rows.items()
                    },
                    existing=AlternateTitle.objects.filter(
                        occupation_id__in=self.scope, kind=kind
                    ),
                    report=self.report,
                    label=AlternateTitle.Kind(kind).label + "s"
                    if kind == AlternateTitle.Kind.ALTERNATE
                    else "Reported titles",
                )


def scale_id(row, scales, *, path, line):
    """The row's Scale ID, one of `scales`."""
    scale = text(row["Scale ID"])
    if scale not in scales:
        expected = f"{', '.join(scales[:-1])} or {scales[-1]}"
        raise DataFileError(path, f"Scale ID is {scale!r}; expected {expected}.", line)
    return scale


def data_value(row, low, high, *, path, line, kind="rating", column="Data Value"):
    """The row's Data Value, from `low` to `high`: a rating, or the `kind` of
    figure it is, named so in an error with `column`. O*NET leaves none blank:
    stored as None, a blank one was a rating silently missing from the page."""
    value = decimal(row["Data Value"], path=path, line=line, column="Data Value")
    if value is None:
        raise DataFileError(path, f"Data Value is empty; every {kind} has one.", line)
    return bounded(value, low, high, path=path, line=line, column=column)


def merged_sources(*sources):
    """Alternate Titles' Source(s) of rows giving one title, each code once and
    in order: "04" and "02,04" are "02,04"."""
    codes = {code.strip() for value in sources for code in value.split(",")}
    return ",".join(sorted(codes - {""}))


def most_common_level(shares, labels):
    """The most common education level and its share, from {category: (share,
    suppress)}: ("Bachelor's Degree", 62.5), or on a tie ("Bachelor's Degree, tied
    with Master's Degree", 50). ("", None) when there are no shares, or when a top
    share is one O*NET recommends suppressing: the next one down is not the most
    common level (Computer Systems Analysts' suppressed 51% and 42% left "Some
    College Courses" at 5%)."""
    if not shares:
        return "", None
    top = max(share for share, _ in shares.values())
    at_top = [c for c in sorted(shares) if shares[c][0] == top]
    if any(shares[c][1] for c in at_top):
        return "", None
    names = [labels[c] for c in at_top if labels.get(c)]
    if not names:
        return "", top
    first, *tied = names
    level = f"{first}, tied with {' and '.join(tied)}" if tied else first
    # The field holds 100 characters; a three-way tie of long names is cut to one.
    return (level if len(level) <= 100 else first), top


def newer_release(reference_date):
    """The newest O*NET release in the database if it is newer than
    `reference_date`, else None. O*NET releases share the occupation rows, so
    importing an older one replaces the newer one's texts, tasks and skills."""
    return (
        DataRelease.objects.filter(
            kind=DataRelease.Kind.ONET, reference_date__gt=reference_date
        )
        .order_by("-reference_date")
        .first()
    )


def onet_import(
    *,
    directory,
    release_name=None,
    release_date=None,
    write=None,
    allow_removals=False,
    allow_older=False,
):
    """Import an O*NET release folder in one transaction; returns the report."""
    files = find_files(directory)
    readme_name, readme_date = release_from_readme(directory)
    name = release_name or readme_name
    stored = DataRelease.objects.filter(kind=DataRelease.Kind.ONET, name=name).first()
    if stored and release_date and release_date != stored.reference_date:
        # The stored release keeps its date: the one given was ignored, and the
        # release was then called "older than" itself.
        raise DataFileError(
            directory,
            f"{name} is in the database dated {stored.reference_date:%B %Y}, not "
            f"{release_date:%B %Y}: leave --release-date out, or change the "
            "release's date in the admin (Data releases).",
        )
    reference_date = stored.reference_date if stored else release_date or readme_date
    if not name or not reference_date:
        raise DataFileError(
            directory,
            "cannot tell which O*NET release this is (no 'Read Me.txt' naming it); "
            "give import_onet --release 'O*NET 29.3' --release-date 2025-05.",
        )
    newer = None if allow_older else newer_release(reference_date)
    if newer:
        raise DataFileError(
            directory,
            f"{name} ({reference_date:%B %Y}) is older than {newer.name} "
            f"({newer.reference_date:%B %Y}), which the database holds; importing "
            "it would replace the newer release's texts, tasks and skills. Pass "
            "--allow-older to go back to it.",
        )
    report = ImportReport(write, allow_removals=allow_removals)
    report.write(f"Importing {name} from {len(files)} files")
    absent = [file_name for key, (file_name, _) in FILES.items() if key not in files]
    if absent:
        report.note(f"Not in the folder: {', '.join(absent)}.")
    digest = files_digest(files.values())
    with page_cache.bulk_write():
        release = stored
        if release is None:
            release = DataRelease(
                kind=DataRelease.Kind.ONET,
                name=name,
                reference_date=reference_date,
                attribution=ATTRIBUTION.format(name=name),
                url="https://www.onetcenter.org/database.html",
            )
            release_checked(release, directory).save()
        _OnetImport(files, report).run(release)
        if release.source_digest != digest:
            release.source_digest = digest
            release.save(update_fields=["source_digest"])
    return report
