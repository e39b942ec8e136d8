package dev.trellis.sandbox;

import java.text.Normalizer;
import java.util.Locale;

/** Text pools for generated records: non-ASCII names, companies, places, and HTML note bodies. */
final class Names {
    private Names() {
    }

    static final String[] FIRST = {"José", "Zoë", "Łukasz", "Søren", "Anaïs", "Björn", "Chloé", "Dmitrij", "Émile",
        "François", "Giulia", "Hanna", "Ingrid", "Jürgen", "Kåre", "Leïla", "Mårten", "Nuño", "Ödön", "Priya",
        "Rafał", "Siobhán", "Tomás", "Ulla", "Vítězslav", "Wojciech", "Yūki", "Zdeněk", "Ayşe", "Mei", "Kwame",
        "Amara", "Mara", "Ivo", "Lena", "Sam", "Alex", "Noor", "Ólafur", "Þóra", "Đorđe", "Chiara", "Małgorzata"};
    static final String[] LAST = {"Müller", "Øvergård", "Nguyễn", "Dvořák", "Ångström", "Fernández", "Kowalczyk",
        "O'Brien", "Şahin", "Jørgensen", "Brandt", "Olsen", "Vik", "Smith", "Lefèvre", "Kovačević", "Lindqvist",
        "Papadopoulos", "Tanaka", "Zhang", "García", "Novák", "Haddad", "Nakamura", "Gonçalves", "Björklund", "Weiß",
        "Hernández", "Okafor", "Kim", "Sæther", "Ibáñez", "Grünewald", "Đoković"};
    static final String[] COMPANIES = {"Nordlys AS", "Café Müller GmbH", "Acme Corp", "Société Générale de Données",
        "Ørsted Digital", "Kōgyō KK", "Brandt & Søn", "Initech", "Globex", "Zürich Analytics AG", "Tŷ Coffi Ltd"};
    static final String[] TITLES = {"Software Engineer", "Senior Data Analyst", "Product Manager", "UX Designer",
        "Account Executive", "Recruiter", "Site Reliability Engineer", "Head of Finance", "Customer Success Lead",
        "Backend Developer (Java)", "Développeur Full-Stack", "Teamleiter Vertrieb"};
    static final String[] JOB_NAMES = {"Backend Engineer", "Frontend Engineer", "Data Scientist",
        "Product Designer", "Sales Development Rep", "Technical Recruiter", "Engineering Manager", "QA Engineer",
        "Customer Support Specialist", "Marketing Manager", "Finance Analyst", "DevOps Engineer"};
    static final String[] CITIES = {"Oslo, Norway", "München, Germany", "São Paulo, Brazil", "Kraków, Poland",
        "Zürich, Switzerland", "Malmö, Sweden", "Montréal, Canada", "New York, NY", "London, UK", "Tōkyō, Japan",
        "Reykjavík, Iceland", "Remote"};
    static final String[] OFFICES = {"Oslo", "München", "São Paulo", "Kraków", "New York", "Remote (EMEA)",
        "Tōkyō", "Montréal"};
    static final String[] DEPARTMENTS = {"Engineering", "Product", "Design", "Sales", "Marketing", "Finance",
        "People & Culture", "Customer Success", "Operations", "Legal"};
    static final String[] SOURCES = {"Sandbox Sourcing Partner", "Jobs page", "LinkedIn", "Referral", "Indeed",
        "Company Website", "Agency: Headhunters Ltd", "Meetup", "GitHub", "Stack Overflow", "Xing", "Career Fair", "Other"};
    static final String[] SOURCE_TYPES = {"Prospecting", "Referrals", "Job boards", "Company marketing", "Agencies",
        "Other"};
    static final String[] REJECTION_REASONS = {"Lacking skill(s)/qualification(s)", "Hired another candidate",
        "Withdrew / Took another offer", "Compensation expectations", "Location", "Failed background check",
        "Not a culture add", "Position closed", "No response", "Other"};
    static final String[] REJECTION_KEYS = {"WE_REJECTED_THEM", "WE_REJECTED_THEM", "THEY_REJECTED_US",
        "THEY_REJECTED_US", "WE_REJECTED_THEM", "SECURITY_CONCERN", "WE_REJECTED_THEM", "NONE_SPECIFIED",
        "THEY_REJECTED_US", "NONE_SPECIFIED"};
    static final String[] TAGS = {"Java", "Kotlin", "Python", "Remote", "Relocation", "Senior", "Junior", "Diversity",
        "Boomerang", "Silver medalist", "Do not contact", "Referral", "Visa required", "Leadership", "Frontend"};
    static final String[] STAGES = {"Application Review", "Recruiter Phone Screen", "Take Home Test",
        "Technical Interview", "Onsite Interview", "Offer"};
    static final String[] NOTE_BODIES = {
        "<p>Phone screen with <b>%s</b> went well &amp; they are keen.</p>",
        "<p>Spoke with %s about relocation.</p><ul><li>Notice period: 3 months</li><li>Salary: 85k €</li></ul>",
        "<p>%s asked to reschedule — see <a href=\"https://example.com/cal\">calendar</a>.</p>",
        "<p>Strong portfolio; <i>%s</i> should meet the design team.</p>",
        "<p>Reference check for %s: «very reliable», 5/5 ✓</p>"};

    /** An ASCII local part for e-mail addresses made from a name. */
    static String ascii(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFD)
                .replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
                .replace("æ", "ae").replace("Æ", "Ae").replace("đ", "d").replace("Đ", "D").replace("þ", "th")
                .replace("Þ", "Th");
        return n.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }
}
