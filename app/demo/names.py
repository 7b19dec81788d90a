"""Company names with the skew of a real register of after-sales service certificates.

Chinese names are ``[city] + brand + [industry words] + [legal form]``: a city prefix on most,
a long tail of brands (a few hundred famous-sounding ones drawn often, tens of thousands drawn
rarely), a few very common industry words (科技 on about a quarter of the names, 电子, 电器 …)
and 有限公司 on nearly all. English names follow the pinyin of the brand and the English of
the industry, as registrations do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

# (city, pinyin, weight): big manufacturing and trading cities dominate.
CITIES = (
    ("深圳市", "Shenzhen", 14), ("广州市", "Guangzhou", 10), ("上海", "Shanghai", 10),
    ("北京", "Beijing", 9), ("杭州市", "Hangzhou", 7), ("苏州", "Suzhou", 6), ("东莞市", "Dongguan", 6),
    ("佛山市", "Foshan", 6), ("宁波", "Ningbo", 5), ("成都", "Chengdu", 5), ("武汉", "Wuhan", 5),
    ("南京", "Nanjing", 4), ("青岛", "Qingdao", 4), ("厦门", "Xiamen", 3), ("珠海", "Zhuhai", 3),
    ("中山市", "Zhongshan", 3), ("温州", "Wenzhou", 3), ("无锡", "Wuxi", 3), ("天津", "Tianjin", 3),
    ("重庆", "Chongqing", 3), ("合肥", "Hefei", 2), ("长沙", "Changsha", 2), ("郑州", "Zhengzhou", 2),
    ("西安", "Xi'an", 2), ("济南", "Jinan", 2), ("福州", "Fuzhou", 2), ("昆明", "Kunming", 1),
    ("南宁", "Nanning", 1), ("沈阳", "Shenyang", 1), ("大连", "Dalian", 1), ("哈尔滨", "Harbin", 1),
    ("石家庄", "Shijiazhuang", 1), ("太原", "Taiyuan", 1), ("南昌", "Nanchang", 1), ("贵阳", "Guiyang", 1),
)  # fmt: skip

# Characters brands are made of, with their pinyin.
BRAND_CHARS = {
    "华": "Hua", "为": "Wei", "格": "Ge", "力": "Li", "美": "Mei", "的": "De", "海": "Hai",
    "尔": "Er", "小": "Xiao", "米": "Mi", "联": "Lian", "想": "Xiang", "长": "Chang", "虹": "Hong",
    "创": "Chuang", "维": "Wei", "信": "Xin", "奥": "Ao", "克": "Ke", "斯": "Si", "志": "Zhi",
    "高": "Gao", "方": "Fang", "太": "Tai", "老": "Lao", "板": "Ban", "苏": "Su", "泊": "Bo",
    "九": "Jiu", "阳": "Yang", "菱": "Ling", "澳": "Ao", "柯": "Ke", "玛": "Ma", "万": "Wan",
    "和": "He", "家": "Jia", "乐": "Le", "兰": "Lan", "仕": "Shi", "鑫": "Xin", "达": "Da",
    "盛": "Sheng", "恒": "Heng", "泰": "Tai", "隆": "Long", "源": "Yuan", "通": "Tong", "宇": "Yu",
    "瑞": "Rui", "丰": "Feng", "顺": "Shun", "安": "An", "康": "Kang", "德": "De", "新": "Xin",
    "宏": "Hong", "腾": "Teng", "飞": "Fei", "博": "Bo", "睿": "Rui", "智": "Zhi", "远": "Yuan",
    "航": "Hang", "天": "Tian", "地": "Di", "金": "Jin", "银": "Yin", "星": "Xing", "光": "Guang",
    "明": "Ming", "辉": "Hui", "晨": "Chen", "东": "Dong", "南": "Nan", "西": "Xi", "北": "Bei",
    "中": "Zhong", "国": "Guo", "民": "Min", "永": "Yong", "佳": "Jia", "优": "You", "品": "Pin",
    "诚": "Cheng", "欣": "Xin", "荣": "Rong", "富": "Fu", "贵": "Gui", "祥": "Xiang", "福": "Fu",
    "泽": "Ze", "润": "Run", "清": "Qing", "雅": "Ya", "卓": "Zhuo", "越": "Yue", "嘉": "Jia",
    "立": "Li", "宝": "Bao", "利": "Li", "来": "Lai", "凯": "Kai", "旋": "Xuan", "捷": "Jie",
    "迅": "Xun", "锐": "Rui", "峰": "Feng", "云": "Yun", "龙": "Long", "凤": "Feng", "鹏": "Peng",
}  # fmt: skip
FAMOUS = ("华为", "格力", "美的", "海尔", "小米", "联想", "长虹", "创维", "海信", "奥克斯",
          "志高", "方太", "老板", "苏泊尔", "九阳", "美菱", "澳柯玛", "万和", "万家乐", "格兰仕")  # fmt: skip

# (Chinese, English, weight): 科技 is on about a quarter of all names (docs/performance.md's
# "very common word"), a handful more are common, the rest form a tail.
INDUSTRIES = (
    ("科技", "Technology", 250), ("电子", "Electronics", 70), ("电器", "Electric Appliances", 70),
    ("智能科技", "Intelligent Technology", 40), ("家电", "Home Appliances", 35),
    ("信息技术", "Information Technology", 30), ("网络科技", "Network Technology", 30),
    ("通信", "Communications", 20), ("家居", "Home Furnishing", 20), ("汽车服务", "Auto Service", 20),
    ("物流", "Logistics", 20), ("贸易", "Trading", 25), ("实业", "Industrial", 25),
    ("机电", "Mechanical and Electrical", 15), ("设备", "Equipment", 15), ("制冷", "Refrigeration", 12),
    ("环保", "Environmental", 10), ("医疗器械", "Medical Devices", 10), ("厨具", "Kitchenware", 8),
    ("照明", "Lighting", 8), ("数码", "Digital", 8), ("电梯", "Elevator", 6), ("门窗", "Doors and Windows", 6),
    ("净水设备", "Water Purification", 5), ("新能源", "New Energy", 8), ("光电", "Optoelectronics", 5),
    ("仪器仪表", "Instruments", 4), ("家具", "Furniture", 6), ("服饰", "Apparel", 4), ("", "", 160),
)  # fmt: skip
FORMS = (("有限公司", "Co., Ltd.", 78), ("股份有限公司", "Co., Ltd.", 14),
         ("集团有限公司", "Group Co., Ltd.", 5), ("服务有限公司", "Service Co., Ltd.", 3))  # fmt: skip
BRAND_POOL = 40_000


@dataclass(frozen=True, slots=True)
class CompanyName:
    name: str
    name_en: str
    address: str


class NameGenerator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        chars = list(BRAND_CHARS)
        brands = list(FAMOUS)
        seen = set(brands)
        while len(brands) < BRAND_POOL:
            size = 2 if rng.random() < 0.75 else 3
            brand = "".join(rng.choice(chars) for _ in range(size))
            if brand not in seen:
                seen.add(brand)
                brands.append(brand)
        self.brands = brands
        # Zipf-like: the k-th brand is drawn with weight 1/(k+10); cumulative weights once, so
        # each draw is a bisection rather than a pass over forty thousand weights
        self.brand_weights = list(accumulate(1 / (k + 10) for k in range(len(brands))))
        self.cities = [(c, p) for c, p, _ in CITIES]
        self.city_weights = list(accumulate(w for _, _, w in CITIES))
        self.industries = [(c, e) for c, e, _ in INDUSTRIES]
        self.industry_weights = list(accumulate(w for _, _, w in INDUSTRIES))
        self.forms = [(c, e) for c, e, _ in FORMS]
        self.form_weights = list(accumulate(w for _, _, w in FORMS))

    def pinyin(self, brand: str) -> str:
        return "".join(BRAND_CHARS.get(c, "") for c in brand).capitalize()

    def company(self) -> CompanyName:
        rng = self.rng
        brand = rng.choices(self.brands, cum_weights=self.brand_weights)[0]
        city, city_en = rng.choices(self.cities, cum_weights=self.city_weights)[0]
        industry, industry_en = rng.choices(self.industries, cum_weights=self.industry_weights)[0]
        form, form_en = rng.choices(self.forms, cum_weights=self.form_weights)[0]
        prefixed = rng.random() < 0.6
        name = (city if prefixed else "") + brand + industry + form
        if not prefixed and rng.random() < 0.08:  # a branch: 格力电器（武汉）有限公司
            name = brand + industry + f"（{city.removesuffix('市')}）" + form
        parts = [city_en if prefixed else "", self.pinyin(brand), industry_en, form_en]
        name_en = " ".join(p for p in parts if p)
        district = rng.choice(
            ("高新区", "经济开发区", "南山区", "天河区", "浦东新区", "滨江区", "工业园区")
        )
        street = f"{rng.choice(('科技', '创业', '建设', '人民', '中山', '解放'))}路{rng.randint(1, 999)}号"
        return CompanyName(name, name_en, f"{city.removesuffix('市')}市{district}{street}")
