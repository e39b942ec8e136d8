package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Demographic data: the organisation's question sets, questions and answer options (questions and options carry no
 * created_at / updated_at in Harvest v3), the applicants' answers, and the federal EEOC self-identification, which is
 * dated by submitted_at only.
 */
final class DemographicsData extends GeneratedArea {
    static final String[] SETS = {"Voluntary Self-Identification", "UK Diversity Survey"};
    static final String[] QUESTIONS = {"How would you describe your gender identity?",
        "How would you describe your racial/ethnic background?", "Do you identify as LGBTQ+?"};
    static final String[] OPTIONS = {"Woman", "Man", "Non-binary", "I prefer to self-describe", "I don't wish to answer"};
    static final String[][] GENDERS = {{"1", "Male"}, {"2", "Female"}, {"3", "Decline To Self Identify"}};
    static final String[][] RACES = {{"1", "American Indian or Alaskan Native"}, {"2", "Asian"},
        {"3", "Black or African American"}, {"4", "Hispanic or Latino"}, {"5", "White"},
        {"6", "Native Hawaiian or Other Pacific Islander"}, {"7", "Two or More Races"},
        {"8", "Decline To Self Identify"}};
    static final String[][] VETERANS = {{"1", "I am not a protected veteran"},
        {"2", "I identify as one or more of the classifications of protected veteran"}, {"3", "I don't wish to answer"}};
    static final String[][] DISABILITIES = {{"1", "Yes, I have a disability, or have a history/record of having a disability"},
        {"2", "No, I don't have a disability, or a history/record of having a disability"}, {"3", "I don't wish to answer"}};

    DemographicsData(long seed, Timeline time, OrgGenerator org) {
        super(seed, time, org);
    }

    static void sizes(Map<Resource, Long> s, Map<Resource, Long> overrides) {
        put(s, overrides, Resource.DEMOGRAPHIC_QUESTION_SETS, SETS.length);
        put(s, overrides, Resource.DEMOGRAPHIC_QUESTIONS, s.get(Resource.DEMOGRAPHIC_QUESTION_SETS) * QUESTIONS.length);
        put(s, overrides, Resource.DEMOGRAPHIC_ANSWER_OPTIONS, s.get(Resource.DEMOGRAPHIC_QUESTIONS) * OPTIONS.length);
        long apps = s.get(Resource.APPLICATIONS);
        put(s, overrides, Resource.DEMOGRAPHIC_ANSWERS, apps / 2);
        put(s, overrides, Resource.EEOC, apps / 3);
    }

    @Override
    boolean fill(Resource r, ObjectNode o, long i) {
        switch (r) {
            case DEMOGRAPHIC_QUESTION_SETS -> {
                o.put("title", cycle(SETS, i));
                o.put("description", "<p>Answering is voluntary and does not affect your application.</p>");
                o.put("active", true);
                o.put("enabled", i == 1);
                stamp(o, r, i);
            }
            case DEMOGRAPHIC_QUESTIONS -> {
                long nth = nth(r, i);
                o.put("demographic_question_set_id", id(Resource.DEMOGRAPHIC_QUESTION_SETS, parent(r, i)));
                o.put("name", cycle(QUESTIONS, nth + 1));
                o.put("required", false);
                o.put("sort_order", nth);
                o.put("active", true);
                o.put("answer_type", nth == 1 ? "multi_value_multi_select" : "multi_value_single_select");
            }
            case DEMOGRAPHIC_ANSWER_OPTIONS -> {
                long nth = nth(r, i);
                o.put("demographic_question_id", id(Resource.DEMOGRAPHIC_QUESTIONS, parent(r, i)));
                o.put("name", cycle(OPTIONS, nth + 1));
                o.put("free_form", nth == 3);
                o.put("decline_to_answer", nth == 4);
                o.put("sort_order", nth);
                o.put("active", true);
            }
            case DEMOGRAPHIC_ANSWERS -> answer(o, i);
            case EEOC -> eeoc(o, i);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void answer(ObjectNode o, long i) {
        Gen g = gen(Resource.DEMOGRAPHIC_ANSWERS, i);
        long questions = size(Resource.DEMOGRAPHIC_QUESTIONS);
        long q = 1 + g.nextLong(Math.min(questions, QUESTIONS.length));
        long firstOption = time.firstChild(Resource.DEMOGRAPHIC_ANSWER_OPTIONS, q);
        long lastOption = time.lastChild(Resource.DEMOGRAPHIC_ANSWER_OPTIONS, q);
        o.put("application_id", id(Resource.APPLICATIONS, parent(Resource.DEMOGRAPHIC_ANSWERS, i)));
        o.put("demographic_question_id", id(Resource.DEMOGRAPHIC_QUESTIONS, q));
        if (lastOption >= firstOption) {
            long option = firstOption + g.nextLong(lastOption - firstOption + 1);
            o.put("demographic_answer_option_id", id(Resource.DEMOGRAPHIC_ANSWER_OPTIONS, option));
            o.put("free_form_text", option - firstOption == 3 ? "Genderqueer" : null);
        } else {
            o.putNull("demographic_answer_option_id");
            o.putNull("free_form_text");
        }
        stamp(o, Resource.DEMOGRAPHIC_ANSWERS, i);
    }

    private void eeoc(ObjectNode o, long i) {
        Gen g = gen(Resource.EEOC, i);
        long a = parent(Resource.EEOC, i);
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("candidate_id", id(Resource.CANDIDATES, org.applicationFacts(a).candidateIndex()));
        answer(o, "gender", g, GENDERS, "description");
        answer(o, "race", g, RACES, "description");
        answer(o, "veteran_status", g, VETERANS, "message");
        answer(o, "disability_status", g, DISABILITIES, "description");
        // the form is submitted with the application: its only timestamp
        o.put("submitted_at", Timeline.iso(time.created(Resource.EEOC, i)));
    }

    private static void answer(ObjectNode o, String field, Gen g, String[][] values, String text) {
        if (g.chance(0.1)) {
            o.putNull(field);
            return;
        }
        String[] v = values[g.nextInt(values.length)];
        o.putObject(field).put("id", Long.parseLong(v[0])).put(text, v[1]);
    }
}
