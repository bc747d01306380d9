#include "lwm2m/ddf_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lwm2m/object_registry.h"
#include "lwm2m/tlv.h"
#include "lwm2m/xml.h"

namespace lwcl::lwm2m {
namespace {

std::string ReadObjectFile(const std::string& name) {
  std::ifstream f(std::string(LWCL_SOURCE_DIR) + "/lwm2m/objects/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const char* const kShipped[] = {"0.xml", "1.xml", "3.xml", "4.xml", "5.xml", "9.xml", "3311.xml",
                                "3313.xml", "33650.xml", "33651.xml", "33652.xml"};

ObjectRegistry ShippedRegistry() {
  ObjectRegistry reg;
  for (const char* f : kShipped) {
    const std::string xml = ReadObjectFile(f);
    EXPECT_FALSE(xml.empty()) << f;
    const auto e = reg.AddDdf(xml);
    EXPECT_FALSE(e.has_value()) << f << ": " << (e ? e->message : "");
  }
  return reg;
}

struct Expect {
  uint16_t res;
  DataType type;
  Operations ops;
  bool multiple;
  bool mandatory;
};

void CheckObject(const ObjectRegistry& reg, uint16_t id, bool multiple, size_t count,
                 std::initializer_list<Expect> expects) {
  const ObjectDefinition* d = reg.Find(id);
  ASSERT_NE(d, nullptr) << id;
  EXPECT_EQ(d->multiple, multiple) << id;
  EXPECT_EQ(d->resources.size(), count) << id;
  for (const Expect& e : expects) {
    const ResourceDefinition* r = d->Find(e.res);
    ASSERT_NE(r, nullptr) << id << "/" << e.res;
    EXPECT_EQ(r->type, e.type) << id << "/" << e.res;
    EXPECT_EQ(r->operations, e.ops) << id << "/" << e.res;
    EXPECT_EQ(r->multiple, e.multiple) << id << "/" << e.res;
    EXPECT_EQ(r->mandatory, e.mandatory) << id << "/" << e.res;
  }
}

using DT = DataType;
using Op = Operations;

TEST(DdfTest, ShippedStandardObjectsMatchTheRegistry) {
  const ObjectRegistry reg = ShippedRegistry();
  CheckObject(reg, 0, true, 18,
              {{0, DT::kString, Op::kNone, false, true}, {1, DT::kBoolean, Op::kNone, false, true},
               {2, DT::kInteger, Op::kNone, false, true}, {3, DT::kOpaque, Op::kNone, false, true},
               {10, DT::kInteger, Op::kNone, false, false}, {16, DT::kUnsignedInteger, Op::kNone, true, false},
               {17, DT::kObjlnk, Op::kNone, false, false}});
  CheckObject(reg, 1, true, 24,
              {{0, DT::kInteger, Op::kRead, false, true}, {1, DT::kInteger, Op::kReadWrite, false, true},
               {2, DT::kInteger, Op::kReadWrite, false, false}, {3, DT::kInteger, Op::kReadWrite, false, false},
               {4, DT::kNone, Op::kExecute, false, false}, {7, DT::kString, Op::kReadWrite, false, true},
               {8, DT::kNone, Op::kExecute, false, true}, {12, DT::kTime, Op::kRead, false, false},
               {23, DT::kBoolean, Op::kReadWrite, false, false}});
  CheckObject(reg, 3, false, 23,
              {{0, DT::kString, Op::kRead, false, false}, {4, DT::kNone, Op::kExecute, false, true},
               {6, DT::kInteger, Op::kRead, true, false}, {9, DT::kInteger, Op::kRead, false, false},
               {11, DT::kInteger, Op::kRead, true, true}, {13, DT::kTime, Op::kReadWrite, false, false},
               {16, DT::kString, Op::kRead, false, true}, {22, DT::kObjlnk, Op::kRead, true, false}});
  CheckObject(reg, 4, false, 13,
              {{0, DT::kInteger, Op::kRead, false, true}, {1, DT::kInteger, Op::kRead, true, true},
               {4, DT::kString, Op::kRead, true, true}, {12, DT::kInteger, Op::kRead, false, false}});
  CheckObject(reg, 5, false, 9,
              {{0, DT::kOpaque, Op::kWrite, false, true}, {1, DT::kString, Op::kReadWrite, false, true},
               {2, DT::kNone, Op::kExecute, false, true}, {3, DT::kInteger, Op::kRead, false, true},
               {5, DT::kInteger, Op::kRead, false, true}, {9, DT::kInteger, Op::kRead, false, true}});
  EXPECT_EQ(reg.Find(5)->Find(4), nullptr);  // resource 4 does not exist in /5 1.0
  CheckObject(reg, 9, true, 19,
              {{0, DT::kString, Op::kRead, false, true}, {2, DT::kOpaque, Op::kWrite, false, false},
               {4, DT::kNone, Op::kExecute, false, true}, {7, DT::kInteger, Op::kRead, false, true},
               {9, DT::kInteger, Op::kRead, false, true}, {10, DT::kNone, Op::kExecute, false, true},
               {12, DT::kBoolean, Op::kRead, false, true}, {17, DT::kObjlnk, Op::kRead, true, false}});
  CheckObject(reg, 3313, true, 10,
              {{5702, DT::kFloat, Op::kRead, false, true}, {5703, DT::kFloat, Op::kRead, false, false},
               {5704, DT::kFloat, Op::kRead, false, false}, {5701, DT::kString, Op::kRead, false, false},
               {5518, DT::kTime, Op::kRead, false, false}});
  CheckObject(reg, 3311, true, 7,
              {{5850, DT::kBoolean, Op::kReadWrite, false, true},
               {5851, DT::kInteger, Op::kReadWrite, false, false},
               {5706, DT::kString, Op::kReadWrite, false, false}});
  EXPECT_EQ(reg.Find(3)->urn, "urn:oma:lwm2m:oma:3:1.1");
  EXPECT_EQ(reg.Find(3)->version, "1.1");
  EXPECT_EQ(reg.Find(3)->Find(0)->name, "Manufacturer");
}

TEST(DdfTest, ShippedLwclObjectsAreTheInterface) {
  const ObjectRegistry reg = ShippedRegistry();
  // Pattern Detector exactly as DESIGN.md (AVSystem's demo) defines it.
  CheckObject(reg, 33650, true, 3,
              {{2000, DT::kBoolean, Op::kRead, false, true}, {2001, DT::kInteger, Op::kRead, false, true},
               {2002, DT::kString, Op::kRead, false, true}});
  EXPECT_EQ(reg.Find(33650)->name, "Pattern Detector");
  CheckObject(reg, 33651, false, 22,
              {{0, DT::kString, Op::kRead, false, true},     {1, DT::kString, Op::kRead, false, true},
               {5, DT::kInteger, Op::kRead, false, true},    {7, DT::kFloat, Op::kRead, false, true},
               {8, DT::kInteger, Op::kReadWrite, false, true}, {12, DT::kFloat, Op::kReadWrite, false, true},
               {14, DT::kString, Op::kReadWrite, false, false},  {15, DT::kNone, Op::kExecute, false, false},
               {16, DT::kNone, Op::kExecute, false, false},  {17, DT::kNone, Op::kExecute, false, false},
               {18, DT::kFloat, Op::kRead, false, false},    {19, DT::kOpaque, Op::kRead, false, false},
               {20, DT::kInteger, Op::kRead, false, false}});
  EXPECT_EQ(reg.Find(33651)->name, "ML Inference & Learning");  // &amp; decoded
  CheckObject(reg, 33652, true, 7,
              {{0, DT::kTime, Op::kRead, false, true},  {1, DT::kString, Op::kRead, false, true},
               {2, DT::kFloat, Op::kRead, false, true}, {3, DT::kFloat, Op::kRead, false, false},
               {4, DT::kString, Op::kReadWrite, false, false}, {5, DT::kOpaque, Op::kRead, false, true},
               {6, DT::kOpaque, Op::kRead, false, false}});
}

TEST(DdfTest, RegistryTypesTlv) {
  const ObjectRegistry reg = ShippedRegistry();
  EXPECT_EQ(reg.TypeAt(Path::Resource(33650, 4, 2001)), DataType::kInteger);
  EXPECT_EQ(reg.TypeAt(Path::ResourceInstance(3, 0, 7, 1)), DataType::kInteger);
  EXPECT_EQ(reg.TypeAt(Path::Resource(3, 0, 999)), DataType::kNone);
  EXPECT_EQ(reg.TypeAt(Path::Instance(3, 0)), DataType::kNone);
  EXPECT_EQ(reg.TypeAt(Path::Resource(12345, 0, 0)), DataType::kNone);
  const std::vector<uint16_t> ids = reg.ObjectIds();
  EXPECT_EQ(ids, (std::vector<uint16_t>{0, 1, 3, 4, 5, 9, 3311, 3313, 33650, 33651, 33652}));
  // /33650/0: state true, counter 300, name "wave" through TLV with the resolver.
  const std::vector<uint8_t> tlv = {0xE1, 0x07, 0xD0, 0x01, 0xE2, 0x07, 0xD1, 0x01, 0x2C,
                                    0xE4, 0x07, 0xD2, 'w', 'a', 'v', 'e'};
  std::vector<Record> out;
  ASSERT_FALSE(DecodeTlv(tlv, Path::Instance(33650, 0), reg.Resolver(), &out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].value, Value{true});
  EXPECT_EQ(out[1].value, Value{int64_t{300}});
  EXPECT_EQ(out[2].value, Value{std::string("wave")});
}

TEST(DdfTest, RejectsBadDefinitions) {
  const std::string head = "<LWM2M><Object><Name>X</Name><ObjectID>7</ObjectID>"
                           "<MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Resources>";
  const std::string tail = "</Resources></Object></LWM2M>";
  auto item = [](const char* id, const char* ops, const char* type) {
    return std::string("<Item ID=\"") + id + "\"><Name>r</Name><Operations>" + ops +
           "</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Type>" +
           type + "</Type></Item>";
  };
  std::vector<ObjectDefinition> defs;
  ASSERT_FALSE(ParseDdf(head + item("0", "R", "Integer") + item("1", "E", "") + tail, &defs));
  ASSERT_EQ(defs.size(), 1u);
  EXPECT_EQ(defs[0].version, "1.0");
  EXPECT_EQ(defs[0].resources[1].type, DataType::kNone);
  for (const std::string& bad : {
           head + item("0", "R", "Integr") + tail,           // unknown type
           head + item("0", "RX", "Integer") + tail,         // unknown operations
           head + item("0", "R", "Integer") + item("0", "R", "String") + tail,  // duplicate id
           head + item("65535", "R", "Integer") + tail,      // reserved id
           head + item("x", "R", "Integer") + tail,          // bad id
           head + item("0", "E", "Integer") + tail,          // executable with a type
           head + item("0", "R", "") + tail,                 // readable without a type
           std::string("<LWM2M><Object><Name>X</Name></Object></LWM2M>"),  // missing ObjectID
           std::string("<NotLWM2M/>"),
           std::string("<LWM2M></LWM2M>"),
       }) {
    defs.clear();
    EXPECT_TRUE(ParseDdf(bad, &defs).has_value()) << bad;
    EXPECT_TRUE(defs.empty());
  }
}

TEST(XmlTest, ParsesTheDdfSubset) {
  XmlElement root;
  const auto e = ParseXml(
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><a x='1' y=\"&lt;&amp;&#65;&#x42;\">t1<![CDATA[<raw>&]]>"
      "<b/><!-- inner --><c>z</c>t2</a>\n<?pi after?>",
      &root);
  ASSERT_FALSE(e) << e->message;
  EXPECT_EQ(root.name, "a");
  EXPECT_EQ(*root.Attribute("x"), "1");
  EXPECT_EQ(*root.Attribute("y"), "<&AB");
  EXPECT_EQ(root.text, "t1<raw>&t2");
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.Child("c")->text, "z");
  EXPECT_EQ(root.Child("d"), nullptr);
}

TEST(XmlTest, RejectsMalformedXml) {
  for (const char* bad : {"", "text", "<a>", "<a></b>", "<a><b></a></b>", "<a x=1/>", "<a x='1' x='2'/>",
                          "<a>&bogus;</a>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>&amp</a>", "<a/><b/>",
                          "<a/>junk", "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "<a><!-- open</a>",
                          "<a><![CDATA[open</a>", "<a x='<'/>", "<a>]]></a>", "<1a/>", "<a\xFF/>",
                          "<a x='1'y='2'/>", "<?xml version='1.0'"}) {
    XmlElement root;
    EXPECT_TRUE(ParseXml(bad, &root).has_value()) << bad;
  }
  // Nesting bomb.
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  XmlElement root;
  EXPECT_TRUE(ParseXml(deep, &root).has_value());
}

}  // namespace
}  // namespace lwcl::lwm2m
