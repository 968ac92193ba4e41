// SPDX-License-Identifier: MIT
// kml_check: checks KML files against libkml, Google's reference implementation of OGC KML 2.2
// with its gx extension (docs/replay.md, docs/testing.md). Built and run by the tests only.
//
//   kml_check FILE.kml...
//
// For each file:
//   - the XML declaration says UTF-8; libkml's parser (expat) reads the file;
//   - the root is <kml> with the KML 2.2 default namespace, and gx: elements are declared with
//     Google's extension namespace; no other prefix is used;
//   - every element is one libkml knows in the place where it stands: libkml keeps unknown
//     elements, elements of KML in a parent that may not hold them ("misplaced") and unknown
//     attributes aside, and any of these fails the file;
//   - the elements come in the order the KML 2.2 schema sets: libkml writes its DOM in schema
//     order, so the file's start tags, in document order, must equal those of libkml's
//     serialization of what it read (this also catches a value libkml rejected, such as an
//     altitudeMode that is not in the enumeration, which it drops);
//   - every simple element's text is of its schema type (boolean, double, kml:color, dateTime,
//     altitudeMode, coordinates, gx:coord); a simple element with no rule here fails, so that a
//     new element is given one;
//   - each gx:Track has as many <when> as <gx:coord>, times strictly increasing.
// Prints one line per file; exits 1 on the first problem (naming the file, the line and the
// element), 2 on bad usage.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "kml/base/attributes.h"
#include "kml/dom.h"
#include "kml/dom/visitor_driver.h"
#include "kml/dom/xsd.h"

namespace {

const char *const kKmlNs = "http://www.opengis.net/kml/2.2";
const char *const kGxNs = "http://www.google.com/kml/ext/2.2";

struct Problem {
    std::string msg;
};

// One element of the file, as read by the scanner below.
struct Tag {
    std::string name;
    int line;
    std::vector<std::pair<std::string, std::string>> attrs;
    std::string text;  // a leaf's text, entities decoded
    bool leaf;
};

std::string decode(const std::string &s, int line)
{
    std::string out;
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        size_t e = s.find(';', i);
        if (e == std::string::npos)
            throw Problem{"line " + std::to_string(line) + ": an & that starts no entity"};
        std::string ent = s.substr(i + 1, e - i - 1);
        if (ent == "amp") out += '&';
        else if (ent == "lt") out += '<';
        else if (ent == "gt") out += '>';
        else if (ent == "quot") out += '"';
        else if (ent == "apos") out += '\'';
        else if (!ent.empty() && ent[0] == '#') out += '?';  // a character reference
        else throw Problem{"line " + std::to_string(line) + ": unknown entity &" + ent + ";"};
        i = e;
    }
    return out;
}

// The elements of an XML text in document order (start tags), each leaf with its text (entities
// decoded, CDATA as it is). Only the
// XML that KML files use: a declaration, comments, elements, attributes, text, CDATA.
std::vector<Tag> scan(const std::string &x)
{
    std::vector<Tag> tags;
    std::vector<size_t> open;  // indexes into tags
    int line = 1;
    size_t i = 0;
    std::string text;
    auto advance = [&](size_t to) {
        for (size_t k = i; k < to && k < x.size(); k++)
            if (x[k] == '\n') line++;
        i = to;
    };
    while (i < x.size()) {
        if (x[i] != '<') {
            size_t e = x.find('<', i);
            if (e == std::string::npos) e = x.size();
            text += decode(x.substr(i, e - i), line);
            advance(e);
            continue;
        }
        if (x.compare(i, 4, "<!--") == 0) {
            advance(x.find("-->", i) == std::string::npos ? x.size() : x.find("-->", i) + 3);
        } else if (x.compare(i, 9, "<![CDATA[") == 0) {
            size_t e = x.find("]]>", i);
            if (e == std::string::npos) throw Problem{"an unterminated CDATA section"};
            text += x.substr(i + 9, e - i - 9);
            advance(e + 3);
        } else if (x.compare(i, 2, "<?") == 0) {
            advance(x.find("?>", i) == std::string::npos ? x.size() : x.find("?>", i) + 2);
        } else if (x.compare(i, 2, "</") == 0) {
            size_t e = x.find('>', i);
            if (e == std::string::npos || open.empty()) throw Problem{"a stray end tag"};
            Tag &t = tags[open.back()];
            if (t.leaf) t.text = text;
            open.pop_back();
            text.clear();
            advance(e + 1);
        } else {
            size_t e = x.find('>', i);
            if (e == std::string::npos) throw Problem{"an unterminated tag"};
            std::string body = x.substr(i + 1, e - i - 1);
            bool empty = !body.empty() && body.back() == '/';
            if (empty) body.pop_back();
            Tag t;
            t.line = line;
            t.leaf = true;
            size_t k = body.find_first_of(" \t\r\n");
            t.name = body.substr(0, k);
            while (k != std::string::npos && k < body.size()) {
                size_t a = body.find_first_not_of(" \t\r\n", k);
                if (a == std::string::npos) break;
                size_t eq = body.find('=', a);
                if (eq == std::string::npos) throw Problem{"line " + std::to_string(line) + ": a malformed attribute"};
                char q = body[eq + 1];
                size_t end = body.find(q, eq + 2);
                if ((q != '"' && q != '\'') || end == std::string::npos)
                    throw Problem{"line " + std::to_string(line) + ": a malformed attribute"};
                t.attrs.emplace_back(body.substr(a, eq - a), decode(body.substr(eq + 2, end - eq - 2), line));
                k = end + 1;
            }
            if (!open.empty()) tags[open.back()].leaf = false;
            text.clear();
            tags.push_back(t);
            if (!empty) open.push_back(tags.size() - 1);
            advance(e + 1);
        }
    }
    if (!open.empty()) throw Problem{"unclosed element <" + tags[open.back()].name + ">"};
    return tags;
}

std::string at(const std::string &file, const Tag &t)
{
    return file + ":" + std::to_string(t.line) + ": <" + t.name + ">";
}

bool is_double(const std::string &s, double *v)
{
    if (s.empty() || s.find_first_of(" \t\r\n") != std::string::npos) return false;
    char *end = nullptr;
    *v = strtod(s.c_str(), &end);
    // xsd:double has no hexadecimal form and no "inf"/"nan" spellings of strtod's
    return *end == '\0' && std::isfinite(*v) && s.find_first_of("xXnN") == std::string::npos;
}

bool is_datetime(const std::string &s)
{
    // xsd:dateTime as KML writes it: [-]YYYY-MM-DDThh:mm:ss[.f+](Z|(+|-)hh:mm)
    size_t i = s[0] == '-' ? 1 : 0;
    auto digits = [&](size_t n) {
        for (size_t k = 0; k < n; k++, i++)
            if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
        return true;
    };
    auto ch = [&](char c) { return i < s.size() && s[i++] == c; };
    if (!digits(4) || !ch('-') || !digits(2) || !ch('-') || !digits(2) || !ch('T') || !digits(2) ||
        !ch(':') || !digits(2) || !ch(':') || !digits(2))
        return false;
    if (i < s.size() && s[i] == '.') {
        i++;
        size_t n = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++, n++;
        if (n == 0) return false;
    }
    if (i < s.size() && s[i] == 'Z') i++;
    else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        i++;
        if (!digits(2) || !ch(':') || !digits(2)) return false;
    }
    if (i != s.size()) return false;
    int mo = atoi(s.substr(s[0] == '-' ? 6 : 5, 2).c_str());
    int d = atoi(s.substr(s[0] == '-' ? 9 : 8, 2).c_str());
    int h = atoi(s.substr(s[0] == '-' ? 12 : 11, 2).c_str());
    int mi = atoi(s.substr(s[0] == '-' ? 15 : 14, 2).c_str());
    int se = atoi(s.substr(s[0] == '-' ? 18 : 17, 2).c_str());
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && se <= 59;
}

// Seconds since 1970-01-01T00:00:00Z of an xsd:dateTime in UTC (ending in Z), proleptic
// Gregorian (days counted in 400-year eras from March of year 0).
bool utc_seconds(const std::string &s, double *out)
{
    if (!is_datetime(s) || s.back() != 'Z' || s[0] == '-') return false;
    long long y = atoll(s.substr(0, 4).c_str());
    int m = atoi(s.substr(5, 2).c_str()), d = atoi(s.substr(8, 2).c_str());
    y -= m <= 2;
    long long era = y / 400, yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    double frac = s.size() > 20 && s[19] == '.' ? atof(s.substr(19, s.size() - 20).c_str()) : 0.0;
    *out = (double)days * 86400.0 + atoi(s.substr(11, 2).c_str()) * 3600.0 +
           atoi(s.substr(14, 2).c_str()) * 60.0 + atoi(s.substr(17, 2).c_str()) + frac;
    return true;
}

void check_lonlat(const std::string &where, double lon, double lat)
{
    if (lon < -180 || lon > 180) throw Problem{where + ": longitude " + std::to_string(lon) + " outside [-180, 180]"};
    if (lat < -90 || lat > 90) throw Problem{where + ": latitude " + std::to_string(lat) + " outside [-90, 90]"};
}

std::vector<std::string> split(const std::string &s, const char *seps)
{
    std::vector<std::string> out;
    size_t i = 0;
    while ((i = s.find_first_not_of(seps, i)) != std::string::npos) {
        size_t e = s.find_first_of(seps, i);
        out.push_back(s.substr(i, e == std::string::npos ? std::string::npos : e - i));
        i = e;
    }
    return out;
}

// The text of a simple element against its schema type.
void check_leaf(const std::string &file, const Tag &t)
{
    const std::string w = at(file, t);
    const std::string &v = t.text;
    double d;
    const std::string &n = t.name;
    if (n == "name" || n == "description" || n == "href") {
        // xsd:string
    } else if (n == "styleUrl") {
        if (v.empty() || v.find_first_of(" \t\r\n") != std::string::npos)
            throw Problem{w + ": \"" + v + "\" is not a URL"};
    } else if (n == "open" || n == "visibility" || n == "extrude") {
        if (v != "0" && v != "1" && v != "true" && v != "false")
            throw Problem{w + ": \"" + v + "\" is not an xsd:boolean"};
    } else if (n == "scale" || n == "width" || n == "heading") {
        if (!is_double(v, &d)) throw Problem{w + ": \"" + v + "\" is not an xsd:double"};
    } else if (n == "color") {
        if (v.size() != 8 || v.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            throw Problem{w + ": \"" + v + "\" is not a kml:colorType (8 hexadecimal digits aabbggrr)"};
    } else if (n == "begin" || n == "end" || n == "when") {
        if (!is_datetime(v)) throw Problem{w + ": \"" + v + "\" is not an xsd:dateTime"};
    } else if (n == "altitudeMode") {
        // The enumeration as libkml's schema tables hold it.
        kmldom::Xsd *x = kmldom::Xsd::GetSchema();
        if (x->EnumId(kmldom::Type_altitudeMode, v) < 0)
            throw Problem{w + ": \"" + v + "\" is not a kml:altitudeModeEnumType value"};
    } else if (n == "coordinates") {
        std::vector<std::string> tuples = split(v, " \t\r\n");
        if (tuples.empty()) throw Problem{w + ": no coordinates"};
        for (const std::string &tu : tuples) {
            std::vector<std::string> c = split(tu, ",");
            double x[3];
            if ((c.size() != 2 && c.size() != 3) || std::count(tu.begin(), tu.end(), ',') != (long)c.size() - 1)
                throw Problem{w + ": \"" + tu + "\" is not lon,lat[,alt]"};
            for (size_t k = 0; k < c.size(); k++)
                if (!is_double(c[k], &x[k])) throw Problem{w + ": \"" + c[k] + "\" is not a number"};
            check_lonlat(w, x[0], x[1]);
        }
    } else if (n == "gx:coord") {
        std::vector<std::string> c = split(v, " \t\r\n");
        double x[3];
        if (c.size() != 3) throw Problem{w + ": \"" + v + "\" is not \"lon lat alt\""};
        for (size_t k = 0; k < 3; k++)
            if (!is_double(c[k], &x[k])) throw Problem{w + ": \"" + c[k] + "\" is not a number"};
        check_lonlat(w, x[0], x[1]);
    } else {
        throw Problem{w + ": a simple element this check has no rule for (add one to kml_check.cc)"};
    }
}

// Every element libkml built: nothing unknown, misplaced or with unknown attributes.
struct StrictVisitor : kmldom::Visitor {
    std::string file;
    int n_folders = 0, n_placemarks = 0, n_tracks = 0;
    long n_samples = 0;
    void VisitElement(const kmldom::ElementPtr &e) override
    {
        std::string nm = kmldom::Xsd::GetSchema()->ElementName(e->Type());
        if (e->get_unknown_elements_array_size() > 0) {
            std::string u = e->get_unknown_elements_array_at(0);
            throw Problem{file + ": <" + nm + "> holds an element libkml does not know: " + u.substr(0, 80)};
        }
        if (e->get_misplaced_elements_array_size() > 0)
            throw Problem{file + ": <" + nm + "> holds <" +
                          kmldom::Xsd::GetSchema()->ElementName(e->get_misplaced_elements_array_at(0)->Type()) +
                          ">, which KML does not allow there"};
        const kmlbase::Attributes *a = e->GetUnknownAttributes();
        if (a && a->GetSize() > 0) {
            std::vector<std::string> names;
            a->GetAttrNames(&names);
            for (const std::string &s : names)
                if (!(e->Type() == kmldom::Type_kml && (s == "xmlns" || s.rfind("xmlns:", 0) == 0)))
                    throw Problem{file + ": <" + nm + "> has an attribute libkml does not know: " + s};
        }
        if (e->Type() == kmldom::Type_Folder) n_folders++;
        if (e->Type() == kmldom::Type_Placemark) n_placemarks++;
        if (e->Type() == kmldom::Type_GxTrack) {
            kmldom::GxTrackPtr t = kmldom::AsGxTrack(e);
            n_tracks++;
            size_t nw = t->get_when_array_size();
            if (nw != t->get_gx_coord_array_size())
                throw Problem{file + ": a gx:Track with " + std::to_string(nw) + " <when> and " +
                              std::to_string(t->get_gx_coord_array_size()) + " <gx:coord>"};
            if (nw < 2) throw Problem{file + ": a gx:Track with fewer than 2 points"};
            double prev = 0;
            for (size_t k = 0; k < nw; k++) {
                const std::string &w = t->get_when_array_at(k);
                double sec;
                if (!utc_seconds(w, &sec))
                    throw Problem{file + ": gx:Track <when>" + w + "</when>: not an xsd:dateTime in UTC (Z)"};
                if (k > 0 && !(sec > prev))
                    throw Problem{file + ": gx:Track <when>" + w + "</when> is not after the previous <when>"};
                prev = sec;
            }
            n_samples += (long)nw;
        }
    }
};

void check_file(const std::string &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Problem{file + ": cannot read"};
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string xml = ss.str();
    if (xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) != 0)
        throw Problem{file + ": does not start with <?xml version=\"1.0\" encoding=\"UTF-8\"?>"};

    std::string errors;
    kmldom::ElementPtr root = kmldom::Parse(xml, &errors);
    if (!root) throw Problem{file + ": libkml cannot parse it: " + errors};
    if (root->Type() != kmldom::Type_kml) throw Problem{file + ": the root element is not <kml>"};

    StrictVisitor v;
    v.file = file;
    kmldom::SimplePreorderDriver driver(&v);
    driver.Visit(root);

    std::vector<Tag> tags;
    try {
        tags = scan(xml);
    } catch (const Problem &p) {
        throw Problem{file + ": " + p.msg};
    }
    if (tags.empty() || tags[0].name != "kml") throw Problem{file + ": the root element is not <kml>"};
    bool default_ns = false, gx_ns = false;
    for (const auto &a : tags[0].attrs) {
        if (a.first == "xmlns") {
            if (a.second != kKmlNs) throw Problem{at(file, tags[0]) + ": the default namespace is " + a.second + ", not " + kKmlNs};
            default_ns = true;
        } else if (a.first == "xmlns:gx") {
            if (a.second != kGxNs) throw Problem{at(file, tags[0]) + ": xmlns:gx is " + a.second + ", not " + kGxNs};
            gx_ns = true;
        } else {
            throw Problem{at(file, tags[0]) + ": an attribute this check does not expect: " + a.first};
        }
    }
    if (!default_ns) throw Problem{at(file, tags[0]) + ": no default namespace " + kKmlNs};
    for (const Tag &t : tags) {
        size_t c = t.name.find(':');
        if (c != std::string::npos && (t.name.substr(0, c) != "gx" || !gx_ns))
            throw Problem{at(file, t) + ": a prefix that is not declared as Google's gx namespace"};
        if (t.leaf) check_leaf(file, t);
    }

    std::vector<Tag> canon;
    try {
        canon = scan(kmldom::SerializePretty(root));
    } catch (const Problem &p) {
        throw Problem{file + ": libkml's serialization: " + p.msg};
    }
    for (size_t k = 0; k < tags.size() || k < canon.size(); k++) {
        if (k >= tags.size() || k >= canon.size() || tags[k].name != canon[k].name) {
            const Tag &t = tags[k < tags.size() ? k : tags.size() - 1];
            throw Problem{at(file, t) + ": not in the KML 2.2 schema's order (libkml writes <" +
                          (k < canon.size() ? canon[k].name : std::string("end of file")) +
                          "> here), or a value libkml rejected"};
        }
    }
    std::cout << "ok " << file << ": " << tags.size() << " elements, " << v.n_folders << " folders, "
              << v.n_placemarks << " placemarks, " << v.n_tracks << " gx:Tracks with " << v.n_samples
              << " samples, valid for libkml\n";
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::cerr << "usage: kml_check FILE.kml...\n";
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        try {
            check_file(argv[i]);
        } catch (const Problem &p) {
            std::cout << "FAILED " << p.msg << "\n";
            return 1;
        }
    }
    return 0;
}
