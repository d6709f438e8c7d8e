// The generator's domain tables: names and table specs (see gen_domain.h).

#include "gen_domain.h"

namespace zhucun::gen::internal {
namespace {

// ----------------------------------------------------------------- names --

constexpr const char* kCountyNames[] = {
    "都匀市", "福泉市", "荔波县", "贵定县", "瓮安县", "独山县",
    "平塘县", "罗甸县", "长顺县", "龙里县", "惠水县", "三都水族自治县"};

constexpr const char* kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
    "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
    "唐", "韦", "蒙", "潘", "陆", "岑", "覃", "石", "龙", "莫", "韩", "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "蔡", "熊", "吕", "卢",
    "杨", "吴", "王", "李", "陈", "罗", "韦", "张"};

constexpr const char* kGiven[] = {
    "军", "丽", "磊", "娟", "涛", "勇", "雪", "红", "飞", "云", "敏", "霞",
    "婷", "辉", "鹏", "松", "林", "华", "强", "芳", "梅", "燕", "琳", "明",
    "伟", "海", "志", "刚", "文", "春", "秀", "兰", "洋", "杰", "霖", "静",
    "平", "英", "玲", "波", "斌", "超", "琴", "艳", "萍", "建", "国", "宇",
    "浩", "欣", "德", "福", "明", "光", "金", "忠"};

constexpr const char* kPlace[] = {
    "坪", "坝", "寨", "沟", "湾", "坡", "冲", "岩", "山", "水", "河", "田",
    "塘", "龙", "凤", "新", "上", "下", "大", "小", "高", "石", "青", "红",
    "金", "白", "营", "堡", "洞", "关", "桥", "场", "口", "平", "安", "和",
    "兴", "林", "茶", "花", "马", "羊", "牛", "云", "岭", "溪", "江", "中",
    "东", "西", "南", "北", "者", "拉", "摆", "翁", "麻", "排", "董", "尧",
    "板", "甲", "乐", "里", "懂", "基", "王", "沙", "谷", "陇"};

template <size_t N>
const char* PickName(Rng& rng, const char* const (&list)[N]) {
  return list[rng.Below(N)];
}

}  // namespace

// A person's name from a 32-bit code: surname + one or two given characters.
std::string PersonName(uint32_t code) {
  std::string s = kSurnames[code % Count(kSurnames)];
  code /= static_cast<uint32_t>(Count(kSurnames));
  s += kGiven[code % Count(kGiven)];
  code /= static_cast<uint32_t>(Count(kGiven));
  if (code % 100 < 62) s += kGiven[(code / 100) % Count(kGiven)];
  return s;
}

std::string PlaceName(Rng& rng, int syllables) {
  std::string s;
  for (int i = 0; i < syllables; ++i) s += PickName(rng, kPlace);
  return s;
}

std::string CountyName(int32_t i, uint64_t seed) {
  if (i < 12) return kCountyNames[i];
  Rng rng(seed, kStreamNames, 1000000 + static_cast<uint64_t>(i));
  return PlaceName(rng, 2) + "县";
}

const std::vector<std::vector<const char*>>& Departments() {
  static const std::vector<std::vector<const char*>> kDepts = {
      {"组织部", "宣传部", "统战部", "团委", "妇联", "总工会", "机关工委",
       "人大办公室", "政协办公室", "老干部局"},
      {"政法委", "公安局", "人民法院", "人民检察院", "司法局", "信访局"},
      {"发展和改革局", "财政局", "商务局", "税务局", "国资委", "工业和信息化局",
       "统计局", "市场监督管理局", "投资促进局", "审计局"},
      {"农业农村局", "林业局", "水务局", "乡村振兴局", "供销社", "畜牧服务中心",
       "农业机械化服务中心"},
      {"科技局", "科协", "农业科学研究所", "气象局", "茶叶研究所"},
      {"教育局", "卫生健康局", "人民医院", "交通运输局", "文体广电旅游局",
       "自然资源局", "人民政府办公室", "住房和城乡建设局", "民政局",
       "生态环境局", "人力资源和社会保障局", "应急管理局"}};
  return kDepts;
}

// ------------------------------------------------------------- tables ----

const std::vector<TableSpec>& Tables() {
  using C = Col;
  static const std::vector<TableSpec> kTables = {
      {"counties",
       {{"county_id", C::kId, false, true}, {"name", C::kText, false, false}}},
      {"villages",
       {{"village_id", C::kId, false, true},
        {"county_id", C::kRef, false, false},
        {"township", C::kText, false, false},
        {"name", C::kText, false, false},
        {"category", C::kCode, false, false}}},
      {"units",
       {{"unit_id", C::kId, false, true},
        {"name", C::kText, false, false},
        {"level", C::kCode, false, false},
        {"sector", C::kCode, false, false}}},
      {"teams",
       {{"team_id", C::kId, false, true},
        {"village_id", C::kRef, false, false},
        {"unit_id", C::kRef, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, true, false}}},
      {"members",
       {{"member_id", C::kId, false, true},
        {"person_id", C::kText, false, false},
        {"name", C::kText, false, false},
        {"team_id", C::kRef, false, false},
        {"unit_id", C::kRef, false, false},
        {"role", C::kCode, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, true, false},
        {"end_reason", C::kCode, true, false}}},
      {"leaders",
       {{"leader_id", C::kId, false, true},
        {"unit_id", C::kRef, false, false},
        {"name", C::kText, false, false},
        {"rank", C::kCode, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, true, false}}},
      {"visits",
       {{"visit_id", C::kId, false, true},
        {"leader_id", C::kRef, false, false},
        {"village_id", C::kRef, false, false},
        {"date", C::kDate, false, false}}},
      {"handovers",
       {{"handover_id", C::kId, false, true},
        {"outgoing_member_id", C::kRef, false, false},
        {"incoming_member_id", C::kRef, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, false, false},
        {"signed_outgoing", C::kBool, false, false},
        {"signed_incoming", C::kBool, false, false},
        {"approved_village_leader", C::kBool, false, false},
        {"approved_township_committee", C::kBool, false, false}}},
      {"bundles",
       {{"bundle_id", C::kId, false, true},
        {"unit_id", C::kRef, false, false},
        {"team_id", C::kRef, false, false},
        {"kind", C::kCode, false, false},
        {"reference", C::kText, true, false},
        {"amount", C::kDec, true, false}}},
      {"assessments",
       {{"member_id", C::kRef, false, true},
        {"year", C::kInt, false, true},
        {"daily_score", C::kDec, false, false},
        {"half_year_score", C::kDec, false, false},
        {"year_end_score", C::kDec, false, false}}},
      {"unit_ratings",
       {{"unit_id", C::kRef, false, true},
        {"year", C::kInt, false, true},
        {"grade", C::kCode, false, false}}},
      {"payments",
       {{"member_id", C::kRef, false, true},
        {"month", C::kMonth, false, true},
        {"living_allowance", C::kDec, false, false},
        {"transport_reimbursements", C::kInt, false, false}}},
      {"work_funds",
       {{"member_id", C::kRef, false, false},
        {"year", C::kInt, false, false},
        {"amount", C::kDec, false, false}}},
      {"insurance",
       {{"member_id", C::kRef, false, false},
        {"coverage", C::kDec, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, false, false}}},
      {"health_checks",
       {{"member_id", C::kRef, false, false},
        {"date", C::kDate, false, false}}},
      {"trainings",
       {{"member_id", C::kRef, false, false},
        {"date", C::kDate, false, false}}},
      {"enterprises",
       {{"member_id", C::kRef, false, false},
        {"date", C::kDate, false, false},
        {"kind", C::kCode, false, false}}},
      {"absences",
       {{"absence_id", C::kId, false, true},
        {"member_id", C::kRef, false, false},
        {"kind", C::kCode, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, false, false},
        {"approved_by", C::kCode, true, false},
        {"approved_on", C::kDate, true, false}}},
  };
  return kTables;
}

}  // namespace zhucun::gen::internal
