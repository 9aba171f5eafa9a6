#!/usr/bin/env python3
"""Synthetic eDiscovery corpus for Docket: Lync Server 2013 Export-CsArchivingData trees and email.

Python 3 standard library only. An independent producer of test input, so that Docket's readers are
not tested against themselves. Formats follow ../shared/docs/ediscovery.md section 1.2-1.4:

  <OutputFolder>/<SQLSERVER-FQDN>_<Instance>/<YYYY>/<MM>/<DD>/yyyyMMddHHmmssfff_<n>_p2p.eml
  ... _conf.eml for conferences

each a CRLF MIME file with the literal boundary "MIME_Boundary", one base64 text/html utf-8 part
holding the IM transcript (some conferences add uploaded pptx/docx/xlsx/pdf parts after it).
LcsLog SQL dumps of some of the same sessions, and of a few found only there, go to
sql/lcslog/<variant>/. Ordinary RFC 5322 emails with attachments go to mail/, a zip that nests
another zip, an mbox, and emails with TNEF, docx and zip attachments. manifest.json describes
every item so tests can compute expected results.

Deterministic: the same arguments (and the same installed text packages) give byte-identical
output. Only random.Random instances seeded from --seed are used; archive timestamps are fixed.

Usage: python3 data/generate_samples.py --out DIR [--seed 42] [--conversations N] [--emails M]
                                        [--formats zip,tar.gz] [--archives 3] [--bad-inputs]
                                        [--lcslog 20] [--lcslog-only 3] [--upload-ratio 0.2]
                                        [--mbox 4] [--no-mail-extras]
See data/README.md.
"""

import argparse
import base64
import csv
import datetime as dt
import email.policy
import glob
import gzip
import hashlib
import html
import io
import json
import os
import random
import re
import sys
import tarfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import document_samples  # noqa: E402  (siblings in data/, standard library only)
import lcslog_dump  # noqa: E402
import mail_samples  # noqa: E402
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

GENERATOR_VERSION = 1
UTC = dt.timezone.utc
CRLF = "\r\n"

LANGS = ["en", "zh-Hant", "zh-Hans", "ja", "de", "ru", "ar"]
LANG_WEIGHTS = [30, 12, 12, 12, 12, 11, 11]

# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------

# (display name, address, preferred language). SIP URI == SMTP address, as in most deployments.
PEOPLE = [
    ("Alice Smith", "alice@contoso.com", "en"),
    ("Bob Jones", "bob@contoso.com", "en"),
    ("Carol White", "carol@contoso.com", "en"),
    ("陳大文", "chen.dawen@contoso.com", "zh-Hant"),
    ("王芳", "wang.fang@contoso.com", "zh-Hant"),
    ("林美玲", "lin.meiling@contoso.com", "zh-Hant"),
    ("李明", "li.ming@contoso.com", "zh-Hans"),
    ("张伟", "zhang.wei@contoso.com", "zh-Hans"),
    ("Jürgen Müller", "juergen.mueller@contoso.com", "de"),
    ("Sabine Schäfer", "sabine.schaefer@contoso.com", "de"),
    ("Ольга Иванова", "olga.ivanova@contoso.com", "ru"),
    ("Дмитрий Петров", "dmitri.petrov@contoso.com", "ru"),
    ("佐藤花子", "sato.hanako@contoso.com", "ja"),
    ("فاطمة حسن", "fatima.hassan@contoso.com", "ar"),
    ("Dave Brown", "dave@fabrikam.com", "en"),
    ("Erin Davis", "erin@fabrikam.com", "en"),
    ("Frank Miller", "frank@fabrikam.com", "en"),
    ("田中太郎", "tanaka.taro@fabrikam.com", "ja"),
    ("鈴木一郎", "suzuki.ichiro@fabrikam.com", "ja"),
    ("أحمد علي", "ahmed.ali@fabrikam.com", "ar"),
    ("عمر خالد", "omar.khaled@fabrikam.com", "ar"),
    ("Klaus Becker", "klaus.becker@fabrikam.com", "de"),
    ("Наталья Смирнова", "natalia.smirnova@fabrikam.com", "ru"),
    ("刘洋", "liu.yang@fabrikam.com", "zh-Hans"),
]
PERSON = {addr: (name, lang) for name, addr, lang in PEOPLE}
ADDRS = [p[1] for p in PEOPLE]

# Archive k (1-based) is the export of one archiving store: OutputFolder and <fqdn>_<instance>.
STORES = [
    ("LyncArchive-Export1", "atl-sql-001.contoso.com_rtc"),
    ("LyncArchive-Export2", "sea-sql-002.contoso.com_LcsLog"),
    ("LyncArchive-Export3", "fra-sql-003.fabrikam.com_ARCHIVE"),
    ("LyncArchive-Export4", "hkg-sql-004.contoso.com_rtc"),
]

# Random content lies in this window; the planted items are in June 2013 (inside it too).
WINDOW_START = dt.datetime(2013, 3, 1, tzinfo=UTC)
WINDOW_DAYS = 184

# --------------------------------------------------------------------------------------------
# Unique tokens of the planted items. Any generated sentence containing one of these substrings
# (compared case-folded) is dropped, so the planted items are the only hits. For CJK tokens every
# two-character piece is listed as well, so a bigram index cannot match them elsewhere either.
# --------------------------------------------------------------------------------------------
RESERVED = [
    "合約", "約審", "審查", "合约", "审查", "董事",       # 合約審查, 董事會 (planted 2)
    "見積", "積書",                                      # 見積書 (planted 3)
    "quartalsbericht", "отчёт", "отчет", "ميزانية",     # planted 4 (Arabic without the article too)
    "zanzibarquota", "falcon",                           # planted 5
    "会议改到周五", "freitag 10:00 passt",               # phrases of planted 1
    # planted_extra tokens (conference uploads, LcsLog-only sessions, mbox, TNEF, attachments):
    # invented words that no text package contains, so listing them changes no sentence pool.
] + [t.casefold() for t in [
    "orchidvault", "basaltcompass", "lanternquay", "marzipanledger", "quillfjord",
    "pelicanharbor", "tamarindvoucher", "cobaltmeridian", "saffronglacier",
]]


RESERVED_RE = re.compile("|".join(re.escape(t) for t in RESERVED))


def is_reserved_free(text):
    return RESERVED_RE.search(text.casefold()) is None


# --------------------------------------------------------------------------------------------
# Built-in sentences: used on machines without the Debian text packages, and always mixed into
# the pools (they make up a small share when the packages are present).
# --------------------------------------------------------------------------------------------
BUILTIN = {
    "en": [
        "Good morning, do you have a minute?",
        "I'll send you the documents shortly.",
        "The meeting moved to Thursday afternoon.",
        "Can you review the contract by tomorrow?",
        "The customer accepted our proposal.",
        "Please call me after lunch.",
        "The shipment arrived at the warehouse this morning.",
        "We need to update the project plan this week.",
        "Thanks a lot for your help!",
        "I'll be in the office from nine tomorrow.",
        "The invoice went to accounting yesterday.",
        "The bug in the login page is fixed.",
        "Let's discuss the details in the next meeting.",
        "Could you add Erin to this thread?",
        "The server has been slow since this morning.",
        "I'm running ten minutes late, sorry.",
        "Did you see the new sales numbers?",
        "The release notes are on the team site.",
    ],
    "zh-Hant": [
        "早安，今天的會議幾點開始？",
        "我已經把報告寄給你了。",
        "請幫我確認客戶的地址。",
        "下午三點在三樓會議室見。",
        "這個版本還有幾個錯誤需要修正。",
        "謝謝你的協助，辛苦了。",
        "我們下週要去台北拜訪客戶。",
        "預算表我晚點再更新。",
        "系統維護時間改到星期六晚上。",
        "請把簡報檔案上傳到共用資料夾。",
        "出貨日期可能會延後兩天。",
        "這個問題我已經回報給工程部門。",
        "明天我請假，有事請找林小姐。",
        "新的報價單已經準備好了。",
        "會議紀錄我整理好了，請過目。",
        "客戶希望我們提供更詳細的時程表。",
    ],
    "zh-Hans": [
        "早上好，今天的会议几点开始？",
        "我已经把报告发给你了。",
        "请帮我确认一下客户的地址。",
        "下午三点在三楼会议室见。",
        "这个版本还有几个问题需要修复。",
        "谢谢你的帮助，辛苦了。",
        "我们下周要去上海拜访客户。",
        "预算表我晚点再更新。",
        "系统维护时间改到周六晚上。",
        "请把演示文稿上传到共享文件夹。",
        "发货日期可能会推迟两天。",
        "这个问题我已经反馈给研发部门了。",
        "明天我请假，有事请找李经理。",
        "新的报价单已经准备好了。",
        "会议纪要我整理好了，请查收。",
        "客户希望我们提供更详细的时间表。",
    ],
    "ja": [
        "おはようございます。今日の会議は何時からですか？",
        "報告書をメールで送りました。",
        "来週の出張の件、承知しました。",
        "午後三時に会議室でお願いします。",
        "このバージョンにはまだいくつか不具合があります。",
        "ご協力ありがとうございます。",
        "お客様の住所を確認していただけますか？",
        "資料は共有フォルダにアップロードしました。",
        "出荷日が二日ほど遅れる見込みです。",
        "明日は休みをいただきます。",
        "新しいスケジュールを作成しました。",
        "会議の議事録をまとめました。",
        "少し遅れます、申し訳ありません。",
        "了解です、すぐに対応します。",
        "東京オフィスの移転は来月です。",
        "システムのメンテナンスは土曜日の夜です。",
    ],
    "de": [
        "Guten Morgen, hast du kurz Zeit?",
        "Ich schicke dir die Unterlagen gleich.",
        "Das Meeting wurde auf Donnerstag verschoben.",
        "Bitte prüfe den Vertrag bis morgen.",
        "Der Kunde hat das Angebot angenommen.",
        "Kannst du mich nach der Mittagspause anrufen?",
        "Die Lieferung ist heute früh im Lager angekommen.",
        "Wir müssen den Projektplan diese Woche aktualisieren.",
        "Vielen Dank für deine Hilfe!",
        "Ich bin morgen ab neun Uhr im Büro.",
        "Die Rechnung ging an die Buchhaltung.",
        "Der Fehler im System ist behoben.",
        "Grüße aus München und ein schönes Wochenende.",
        "Könnt ihr die Präsentation noch einmal überarbeiten?",
        "Die Straßenbahn hatte Verspätung, ich komme später.",
        "Wir brauchen noch die Zustimmung vom Abteilungsleiter.",
    ],
    "ru": [
        "Доброе утро, у тебя есть минута?",
        "Я отправлю документы через полчаса.",
        "Встреча перенесена на четверг.",
        "Пожалуйста, проверь договор до завтра.",
        "Клиент согласился с нашим предложением.",
        "Позвони мне после обеда, пожалуйста.",
        "Поставка пришла на склад сегодня утром.",
        "Нужно обновить план проекта на этой неделе.",
        "Большое спасибо за помощь!",
        "Завтра я буду в офисе с девяти часов.",
        "Счёт отправлен в бухгалтерию.",
        "Ошибка в системе исправлена.",
        "Презентацию нужно ещё немного доработать.",
        "Я задержусь на пятнадцать минут.",
        "Ждём подтверждения от руководителя отдела.",
        "Сервер снова не отвечает, разбираемся.",
    ],
    # Arabic has no Debian text package: this list is the whole Arabic pool. Some lines carry
    # harakat (combining marks) and Arabic-Indic digits on purpose.
    "ar": [
        "صباح الخير، هل أنت متاح للاجتماع اليوم؟",
        "سأرسل لك التقرير قبل نهاية اليوم.",
        "تم تأجيل الاجتماع إلى يوم الخميس.",
        "يرجى مراجعة العقد وإرسال ملاحظاتك.",
        "العميل وافق على العرض المقدم.",
        "نحتاج إلى تحديث خطة المشروع هذا الأسبوع.",
        "شكراً جزيلاً على مساعدتك.",
        "هل يمكنك الاتصال بي بعد الظهر؟",
        "الفريق يعمل على حل المشكلة الآن.",
        "سأكون في المكتب غداً من الساعة التاسعة.",
        "أرسلت الفاتورة إلى قسم المحاسبة.",
        "موعد التسليم النهائي هو نهاية الشهر.",
        "من فضلك أضف سارة إلى المحادثة.",
        "الشحنة وصلت إلى المستودع صباح اليوم.",
        "هل راجعت الأرقام الجديدة للمبيعات؟",
        "الاجتماع مع المورد سيكون عبر الهاتف.",
        "أحتاج إلى موافقة المدير على هذا الطلب.",
        "تم إصلاح الخطأ في النظام.",
        "سنناقش التفاصيل في الاجتماع القادم.",
        "أرجو إرسال نسخة من العرض التقديمي.",
        "لدينا مشكلة في الخادم منذ الصباح.",
        "المبيعات في الربع الثاني أفضل من المتوقع.",
        "سأسافر إلى دبي الأسبوع المقبل.",
        "هل انتهيت من ترجمة الوثيقة؟",
        "يرجى تأكيد الحضور قبل يوم الأحد.",
        "الطلبية جاهزة للشحن.",
        "تحدثت مع العميل وهو راضٍ عن الخدمة.",
        "نحتاج إلى مزيد من الوقت لإنهاء الاختبارات.",
        "سأرسل لك الرابط بعد قليل.",
        "كل شيء جاهز للإطلاق غداً.",
        "هل يمكننا تغيير موعد المكالمة؟",
        "تم توقيع الاتفاقية اليوم.",
        "الاجتماع في الساعة ٣ عصراً في قاعة ٢.",
        "شُكْرًا لَكَ عَلَى المُسَاعَدَةِ.",
        "مَرْحَبًا بِكُمْ فِي الفَرِيقِ الجَدِيدِ.",
    ],
}

# Bodies that need HTML escaping (& < >) in the transcript; mixed into every language.
SPECIAL_BODIES = [
    "R&D numbers: Q2 revenue > forecast, costs < plan.",
    "Use <Tab> & <Enter> to move between the fields.",
    "Is x < 10 && y > 5 the right check?",
    "AT&T call moved to 3pm.",
    "See the <b>draft</b> first, it is not final.",
    "Smith & Wesson account -> closed <- finally.",
    "if (a<b) { return a & mask; }",
    "Ratio 3 < 4 > 2 & done.",
]

IM_SUBJECTS = {
    "en": ["Q3 planning", "Budget review", "Release checklist", "Lunch?", "Customer escalation",
           "Weekly sync", "Server outage"],
    "zh-Hant": ["專案進度", "客戶拜訪", "週會安排"],
    "zh-Hans": ["项目进度", "周会安排", "客户问题"],
    "ja": ["来週の打ち合わせ", "出張の件", "障害対応"],
    "de": ["Projektstatus", "Übergabe Montag", "Kundentermin"],
    "ru": ["План на неделю", "Срочный вопрос", "Отпуск"],
    "ar": ["اجتماع الفريق", "خطة المشروع", "طلب عاجل"],
}

EMAIL_GREETING = {
    "en": "Hi {name},", "zh-Hant": "{name} 您好：", "zh-Hans": "{name}，你好：",
    "ja": "{name}様", "de": "Hallo {name},", "ru": "Здравствуйте, {name}!", "ar": "مرحباً {name}،",
}
EMAIL_CLOSING = {
    "en": "Best regards,", "zh-Hant": "敬祝 順心", "zh-Hans": "此致 敬礼", "ja": "よろしくお願いいたします。",
    "de": "Viele Grüße", "ru": "С уважением,", "ar": "مع أطيب التحيات،",
}

# --------------------------------------------------------------------------------------------
# Sentence pools from Debian packages
# --------------------------------------------------------------------------------------------
FORTUNE_DIR = "/usr/share/games/fortunes"
EN_FORTUNES = ["fortunes", "literature", "wisdom", "work", "science", "computers"]
ZH_HANS_FORTUNES = ["chinese", "tang300", "song100"]
DE_FORTUNES = ["anekdoten", "computer", "mathematiker", "murphy", "regeln", "sprichworte",
               "sprueche", "stilblueten", "tips", "wusstensie", "zitate"]
RU_FORTUNES = ["citates", "computer", "education", "friendship", "future", "knowledge", "life",
               "murphy", "programming", "success", "time", "truth", "wealth", "work"]
ZH_TW_MAN = "/usr/share/man/zh_TW/man1"
JA_MAN = "/usr/share/man/ja/man1"

ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
OVERSTRIKE_RE = re.compile(r".\x08")
WS_RE = re.compile(r"\s+")
SENT_SPLIT_RE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])")
CJK_SENT_SPLIT_RE = re.compile(r"(?<=[。！？；])|(?<=[\u3040-\u30ff\u3400-\u9fff][.!?;])\s*|(?<=[.!?])\s+")

ROFF_TEXT_MACROS = {"B", "I", "BI", "IB", "BR", "RB", "IR", "RI", "SM", "SB"}
ROFF_BREAK_MACROS = {"SH", "SS", "PP", "P", "LP", "TP", "IP", "HP", "br", "sp", "nf", "fi", "RS",
                     "RE", "TH", "in", "ti", "bp", "ne", "TQ", "EX", "EE", "UR", "UE"}
ROFF_ESC_RES = [
    (re.compile(r"\\f(\[[^\]]*\]|\(..|.)"), ""),
    (re.compile(r"\\\*(\[[^\]]*\]|\(..|.)"), ""),
    (re.compile(r"\\\((..)"), " "),
    (re.compile(r"\\\[[^\]]*\]"), " "),
    (re.compile(r"\\s[+-]?\d+"), ""),
    (re.compile(r"\\[hvwlLoDXZ]'[^']*'"), ""),
    (re.compile(r"\\n(\[[^\]]*\]|\(..|.)"), ""),
    (re.compile(r"\\-"), "-"),
    (re.compile(r"\\e"), "\\\\"),
    (re.compile(r"\\[&|^%c:)\"]"), ""),
    (re.compile(r"\\ "), " "),
    (re.compile(r"\\."), ""),
]


def _decode(data, fallbacks):
    for enc in ("utf-8",) + tuple(fallbacks):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode(fallbacks[-1] if fallbacks else "utf-8", errors="replace")


def _char_class(ranges):
    return re.compile("[" + "".join("\\u%04x-\\u%04x" % r for r in ranges) + "]")


def _script_ratio(text, char_class):
    nonspace = len(text) - len(SPACE_RE.findall(text))
    return len(char_class.findall(text)) / nonspace if nonspace else 0.0


SPACE_RE = re.compile(r"\s")
HAN = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
KANA = [(0x3040, 0x30FF)]
CJK_PUNCT = [(0x3000, 0x303F), (0xFF00, 0xFFEF)]
KANA_RE = _char_class(KANA)
CJK_RE = _char_class(HAN + KANA + CJK_PUNCT)
CYRILLIC_RE = _char_class([(0x0400, 0x04FF)])
LATIN_RE = _char_class([(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F)])
NON_EN_RE = re.compile("[^\\u0000-\\u024f\u2018\u2019\u201c\u201d\u2013\u2014\u2026]")


# Common characters that exist in only one of the two Chinese scripts (simplified, traditional):
# a zh-Hans sentence with a traditional-only one (classical poems) is dropped, and vice versa.
SIMP_ONLY = "个们这来为会说国学见长门东车马时语书对发经过还进现后开关问间听话让认谁读写买卖电网线题样实点应该" \
            "从动机无与气万义边头岁乐处爱觉变报务员产业总统众极亿军农历办单双帮宝饭鱼鸟龙风飞阳阴陈图园远运达选" \
            "么里丽亲仅价众优伤伦侧债倾儿兴冲减几凤刘则刚创删别剧劝动势区华协卫厂厅压县叶号叹吗吴员响哪团园围" \
            "场块坏坚垒处备够头夺奋妇妈娘孙宁宽审将尔层岛师带帐广库应废开异张弹强归彻忆忧怀态恶惊惯愿戏战户扑" \
            "执扩扫扰抢护报担拟拥择挂挤损换据携摄摆数断无旧显晋晓暂术机杀权条来极构枪柜标栏树样桥梦检楼欢残毕" \
            "气汇汉汤沟没沪泪洁浅测济浏浓涂润涨渐温湾灭灯灵灾炉烂烟热爷牵犹状独狮猎献环现琐电画畅疗盐监盖盘" \
            "码确础礼祸离积称稳竞笔笼筑签简类紧纠红约级纪纯纳纸纽线练组细织终绍经结绕给络绝统继续维综绿缓编缘"
TRAD_ONLY = "個們這來為會說國學見長門東車馬時語書對發經過還進現後開關問間聽話讓認誰讀寫買賣電網線題樣實點應該" \
            "從動機無與氣萬義邊頭歲樂處愛覺變報務員產業總統眾極億軍農歷辦單雙幫寶飯魚鳥龍風飛陽陰陳圖園遠運達選" \
            "麼裡麗親僅價傷倫側債傾兒興衝減幾鳳劉則剛創刪別劇勸勢區華協衛廠廳壓縣葉號嘆嗎吳響團圍場塊壞堅壘備夠" \
            "奪奮婦媽孫寧寬審將爾層島師帶帳廣庫廢異張彈強歸徹憶憂懷態惡驚慣願戲戰戶撲執擴掃擾搶護擔擬擁擇掛擠" \
            "損換據攜攝擺數斷舊顯晉曉暫術殺權條構槍櫃標欄樹橋夢檢樓歡殘畢匯漢湯溝沒滬淚潔淺測濟瀏濃塗潤漲漸溫" \
            "灣滅燈靈災爐爛煙熱爺牽猶狀獨獅獵獻環現瑣畫暢療鹽監蓋盤碼確礎禮禍離積稱穩競筆籠築簽簡類緊糾紅約級" \
            "紀純納紙紐練組細織終紹經結繞給絡絕繼續維綜綠緩編緣"
SIMP_ONLY_RE = re.compile("[" + SIMP_ONLY + "]")
TRAD_ONLY_RE = re.compile("[" + "".join(sorted(set(TRAD_ONLY) - set(SIMP_ONLY))) + "]")


def _accept(lang, s):
    n = len(s)
    if n < 5 or n > 200 or "\\" in s or "\t" in s or "\x1b" in s or s[0] in "-([{*+=|/)]}.,;:，。、）】」":
        return False
    if not is_reserved_free(s):
        return False
    if lang in ("en", "de"):
        if _script_ratio(s, LATIN_RE) < 0.6 or not s[0].isupper():
            return False
        if lang == "en" and NON_EN_RE.search(s):
            return False
        return len(s.split()) >= 3
    if lang == "ru":
        return _script_ratio(s, CYRILLIC_RE) >= 0.6 and len(s.split()) >= 3
    has_kana = KANA_RE.search(s) is not None
    cjk = _script_ratio(s, CJK_RE)
    if lang == "ja":
        return has_kana and cjk >= 0.6
    if lang == "zh-Hans":
        return not has_kana and cjk >= 0.6 and TRAD_ONLY_RE.search(s) is None
    if lang == "zh-Hant":
        return not has_kana and cjk >= 0.6 and SIMP_ONLY_RE.search(s) is None
    return True


def _split_sentences(text, lang):
    regex = SENT_SPLIT_RE if lang in ("en", "de", "ru") else CJK_SENT_SPLIT_RE
    for part in regex.split(text):
        part = part.strip() if part else ""
        if part:
            yield part


def _fortune_sentences(path, lang, enc_fallbacks):
    with open(path, "rb") as f:
        text = _decode(f.read(), enc_fallbacks)
    text = OVERSTRIKE_RE.sub("", text.replace("\r", ""))
    for cookie in re.split(r"\n%\n", text):
        kept = []
        for line in cookie.split("\n"):
            if "\x1b" in line:      # coloured title / author lines (fortunes-zh)
                continue
            if line.strip().startswith("--") or line.strip() == "%":
                continue            # attribution
            kept.append(line.strip())
        joiner = " " if lang in ("en", "de", "ru") else ""
        para = WS_RE.sub(" ", joiner.join(kept)).strip()
        yield from _split_sentences(para, lang)


def _strip_roff(text):
    """Returns the running text of a man page as a list of paragraphs (macros and escapes gone)."""
    paras, cur, in_def = [], [], False
    for line in text.replace("\r", "").split("\n"):
        if in_def:
            if line.startswith(".."):
                in_def = False
            continue
        if line.startswith((".\\\"", "'\\\"", "\\\"")):
            continue
        if line.startswith((".", "'")):
            parts = line[1:].strip().split(None, 1)
            name = parts[0] if parts else ""
            if name in ("de", "de1", "am", "ig"):
                in_def = True
                continue
            if name in ROFF_TEXT_MACROS and len(parts) > 1:
                line = parts[1].replace('"', "")
            else:
                if name in ROFF_BREAK_MACROS and cur:
                    paras.append(cur)
                    cur = []
                continue
        if "\\" in line:
            for regex, repl in ROFF_ESC_RES:
                line = regex.sub(repl, line)
        line = line.strip()
        if not line:
            if cur:
                paras.append(cur)
                cur = []
            continue
        cur.append(line)
    if cur:
        paras.append(cur)
    out = []
    for lines in paras:
        text = ""
        for line in lines:
            # CJK text wraps without spaces; Latin text wraps with one.
            if text and not (_is_cjk(text[-1]) and _is_cjk(line[0])):
                text += " "
            text += line
        out.append(WS_RE.sub(" ", text))
    return out


def _is_cjk(ch):
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def _man_sentences(path, lang, enc_fallbacks):
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError):
        return
    for para in _strip_roff(_decode(data, enc_fallbacks)):
        yield from _split_sentences(para, lang)


def load_pools(use_packages=True):
    """Returns ({lang: [sentences]}, {lang: {"files": n, "sentences": n}}) deterministically."""
    sources = {
        "en": [(os.path.join(FORTUNE_DIR, n), "fortune", ("latin-1",)) for n in EN_FORTUNES],
        "zh-Hans": [(os.path.join(FORTUNE_DIR, n), "fortune", ("gb18030",)) for n in ZH_HANS_FORTUNES],
        "de": [(os.path.join(FORTUNE_DIR, "de", n), "fortune", ("latin-1",)) for n in DE_FORTUNES],
        "ru": [(os.path.join(FORTUNE_DIR, "ru", n), "fortune", ("koi8-r",)) for n in RU_FORTUNES],
        "zh-Hant": [(p, "man", ("big5",)) for p in sorted(glob.glob(os.path.join(ZH_TW_MAN, "*.gz")))],
        "ja": [(p, "man", ("euc-jp",)) for p in sorted(glob.glob(os.path.join(JA_MAN, "*.gz")))],
        "ar": [],
    }
    pools, stats = {}, {}
    for lang in LANGS:
        seen, pool, files = set(), [], 0
        for path, kind, fallbacks in (sources[lang] if use_packages else []):
            if not os.path.isfile(path):
                continue
            files += 1
            reader = _fortune_sentences if kind == "fortune" else _man_sentences
            for s in reader(path, lang, fallbacks):
                if s not in seen and _accept(lang, s):
                    seen.add(s)
                    pool.append(s)
        from_packages = len(pool)
        for s in BUILTIN[lang]:
            assert is_reserved_free(s), s
            if s not in seen:
                seen.add(s)
                pool.append(s)
        pools[lang] = pool
        stats[lang] = {"package_files": files, "package_sentences": from_packages,
                       "builtin_sentences": len(BUILTIN[lang])}
    return pools, stats


# --------------------------------------------------------------------------------------------
# Lync session files
# --------------------------------------------------------------------------------------------

def fmt_ts(t):
    return "%04d-%02d-%02d %02d:%02d:%02dZ" % (t.year, t.month, t.day, t.hour, t.minute, t.second)


def iso(t):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (t.year, t.month, t.day, t.hour, t.minute, t.second)


def iso_ms(t):
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (t.year, t.month, t.day, t.hour, t.minute,
                                                   t.second, t.microsecond // 1000)


def epoch_ms(t):
    return int(t.timestamp()) * 1000 + t.microsecond // 1000


def encode_subject(subject):
    """Subject header value: ASCII as is, otherwise RFC 2047 base64 encoded-words (<= 75 chars)."""
    if subject.isascii():
        return subject
    words, chunk = [], ""
    for ch in subject:
        trial = chunk + ch
        if len("=?utf-8?B??=") + 4 * ((len(trial.encode("utf-8")) + 2) // 3) > 75:
            words.append(chunk)
            chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(chunk)
    return (CRLF + " ").join(
        "=?utf-8?B?" + base64.b64encode(w.encode("utf-8")).decode("ascii") + "?=" for w in words)


def transcript_html(subject, lines):
    """§1.4: one long line. lines: [("msg"|"event", sender, time, text)]."""
    out = ["<html><body><p> <b>Transcript for instant messaging (IM) session:</b> <b>",
           html.escape(subject, quote=False), "</b><br><br>"]
    for kind, sender, t, text in lines:
        if kind == "msg":
            out.append(" <b>%s [%s]:</b><br><DIV style='margin-left:6.0pt'>%s</DIV>"
                       % (sender, fmt_ts(t), html.escape(text, quote=False)))
        else:
            out.append(' <b>%s [%s]:</b><b> Changed &lt;subject&gt; to</b> "%s"'
                       % (sender, fmt_ts(t), html.escape(text, quote=False)))
    out.append("</p></body></html>")
    return "".join(out)


def b64_crlf(data):
    """base64 at 76 columns, CRLF line ends (the last line ends with CRLF too)."""
    return base64.encodebytes(data).decode("ascii").replace("\n", CRLF)


def upload_part(upload):
    """One uploaded file as a MIME part after the transcript (ediscovery.md §1.3: conference
    files may add parts for uploaded content). Starts at the boundary line."""
    return CRLF.join([
        "--MIME_Boundary",
        "Content-Type: %s;" % upload.media_type,
        '\tname="%s"' % upload.file_name,
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment;",
        '\tfilename="%s"' % upload.file_name,
        "", ""]) + b64_crlf(upload.data)


def session_eml(start, sender, recipients, session_id, subject, body_html, uploads=()):
    """§1.3 header block, CRLF, literal MIME_Boundary, base64 text/html at 76 columns; then one
    base64 part per conference upload (none: the file is exactly the §1.3 layout)."""
    b64 = b64_crlf(body_html.encode("utf-8"))
    head = [
        "Date: " + format_datetime(start.replace(microsecond=0), usegmt=True),
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed;",
        '\tboundary="MIME_Boundary"',
        "From: " + sender,
        "To: " + ", ".join(recipients),
        "Session-Id: " + session_id,
        "Subject: " + encode_subject(subject),
        "",
        "--MIME_Boundary",
        "Content-Transfer-Encoding: base64",
        "Content-Type: text/html;",
        '\tcharset="utf-8"',
        "",
    ]
    parts = "".join(upload_part(u) for u in uploads)
    return (CRLF.join(head) + CRLF + b64 + parts + "--MIME_Boundary--" + CRLF).encode("ascii")


def make_session_id(rng):
    g = "%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                       0x4000 | rng.getrandbits(12), 0x8000 | rng.getrandbits(14),
                                       rng.getrandbits(48))
    return "%s;%x;%x" % (g, rng.getrandbits(32), rng.getrandbits(24))


class Session:
    """One IM session or conference: everything needed to write the file and the manifest."""

    __slots__ = ("kind", "start", "seq", "sender", "recipients", "session_id", "subject", "lines",
                 "lang", "langs", "archive_index", "planted", "tokens", "phrases", "seed",
                 "uploads")

    def file_name(self):
        t = self.start
        return "%04d%02d%02d%02d%02d%02d%03d_%d_%s.eml" % (
            t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond // 1000, self.seq,
            "p2p" if self.kind == "im" else "conf")

    def day_path(self):
        t = self.start
        return "%04d/%02d/%02d" % (t.year, t.month, t.day)

    def render(self):
        return session_eml(self.start, self.sender, self.recipients, self.session_id,
                           self.subject, transcript_html(self.subject, self.lines), self.uploads)

    def key(self):
        """What Docket merges sessions by (besides the messages): start ms, SessionIdSeq, kind."""
        return (epoch_ms(self.start), self.seq, self.kind)


def p2p_subject(a, b):
    return "Conversation between %s and %s" % (a, b)


class ContentMaker:
    def __init__(self, pools):
        self.pools = pools

    def sentence(self, rng, lang, langs_used=None):
        """One message body in `lang`; adds every language it used to the set `langs_used`."""
        used = langs_used if langs_used is not None else set()
        if rng.random() < 0.03:
            used.add("en")
            return rng.choice(SPECIAL_BODIES)
        used.add(lang)
        pool = self.pools[lang]
        s = rng.choice(pool)
        r = rng.random()
        if r < 0.03:      # a second sentence on a new line inside the DIV
            s += CRLF + rng.choice(pool)
        elif r < 0.05:    # intra-message language mixing, like "Hallo Bob & Team, 会议改到周五?"
            other = rng.choice(LANGS)
            used.add(other)
            s += " " + rng.choice(self.pools[other])
        return s

    def message_lang(self, rng, main):
        if rng.random() < 0.10:
            return "en" if main != "en" and rng.random() < 0.6 else rng.choice(LANGS)
        return main

    def fill_session(self, s, rng, kind):
        """Fills a random session whose start time is already set."""
        s.kind = kind
        s.session_id = make_session_id(rng)
        if kind == "im":
            a, b = rng.sample(ADDRS, 2)
            participants = [a, b]
            nmsg = min(1 + int(rng.expovariate(1 / 5.0)), 40)
        else:
            participants = rng.sample(ADDRS, rng.randint(3, 6))
            nmsg = min(3 + int(rng.expovariate(1 / 9.0)), 80)
        s.sender, s.recipients = participants[0], participants[1:]
        pref = PERSON[s.sender][1]
        s.lang = pref if rng.random() < 0.7 else rng.choices(LANGS, LANG_WEIGHTS)[0]
        if kind == "im":
            if rng.random() < 0.15:
                s.subject = rng.choice(IM_SUBJECTS[s.lang])
            else:
                s.subject = p2p_subject(participants[0], participants[1])
        else:
            s.subject = "Conference organized by " + s.sender
        t = s.start.replace(microsecond=0)
        langs = {s.lang}
        lines = []
        change_at = rng.randrange(nmsg) if nmsg > 1 and rng.random() < 0.05 else -1
        for i in range(nmsg):
            if i == 0:
                who = s.sender
            elif kind == "im":
                who = participants[(i + (rng.random() < 0.3)) % 2]
            else:
                who = rng.choice(participants)
            if i == change_at:
                new_subject = rng.choice(IM_SUBJECTS[s.lang])
                lines.append(("event", who, t, new_subject))
                t += dt.timedelta(seconds=rng.randint(1, 30))
            lines.append(("msg", who, t, self.sentence(rng, self.message_lang(rng, s.lang), langs)))
            t += dt.timedelta(seconds=rng.randint(1, 20) if rng.random() < 0.6
                              else rng.randint(21, 600))
        s.lines = lines
        s.langs = sorted(langs, key=LANGS.index)


def new_session():
    s = Session()
    s.seq = 1
    s.planted = None
    s.tokens = []
    s.phrases = []
    s.archive_index = 0
    s.uploads = []
    return s


def planted_sessions():
    """Fixed items for exact tests; independent of seed and installed packages."""
    out = []

    def mk(pid, kind, start, sender, recipients, subject, lines, lang, langs, sid, tokens, phrases):
        s = new_session()
        s.kind, s.start, s.sender, s.recipients = kind, start, sender, recipients
        s.subject, s.session_id, s.lang, s.langs = subject, sid, lang, langs
        s.lines = [(k, who, start.replace(microsecond=0) + dt.timedelta(seconds=off), text)
                   for k, who, off, text in lines]
        s.planted, s.tokens, s.phrases = pid, tokens, phrases
        out.append(s)

    a, b = "alice@contoso.com", "bob@contoso.com"
    # 1: the §1.4 fixture, byte-identical HTML.
    mk("planted-1-p2p-alice-bob", "im", dt.datetime(2013, 6, 3, 9, 15, 2, 231000, tzinfo=UTC), a, [b],
       p2p_subject(a, b),
       [("msg", a, 0, "Hallo Bob & Team, 会议改到周五?"), ("msg", b, 38, "Ja, Freitag 10:00 passt.")],
       "de", ["de", "zh-Hans"], "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f;1d2c3b4a;5e6f",
       [], ["会议改到周五", "Freitag 10:00 passt"])
    c, w = "chen.dawen@contoso.com", "wang.fang@contoso.com"
    mk("planted-2-p2p-zh-hant", "im", dt.datetime(2013, 6, 5, 2, 30, 10, 512000, tzinfo=UTC), c, [w],
       p2p_subject(c, w),
       [("msg", c, 0, "王芳，明天上午十點的合約審查會議請準時參加。"),
        ("msg", w, 45, "好的，我會把董事會要的資料一起帶過去。"),
        ("msg", c, 130, "謝謝！記得帶上去年的財務報表。"),
        ("msg", w, 162, "沒問題，明天見。")],
       "zh-Hant", ["zh-Hant"], "0b8e5c1a-7d2f-4e93-a6b4-c5d6e7f80912;2a3b4c5d;6e7f",
       ["合約審查", "董事會"], [])
    t, al = "tanaka.taro@fabrikam.com", "alice@contoso.com"
    mk("planted-3-p2p-ja", "im", dt.datetime(2013, 6, 7, 1, 5, 33, 88000, tzinfo=UTC), t, [al],
       p2p_subject(t, al),
       [("msg", t, 0, "アリスさん、こんにちは。来週の見積書を送付しました。"),
        ("msg", al, 71, "Thank you Tanaka-san, I will review it today."),
        ("msg", t, 95, "よろしくお願いいたします。")],
       "ja", ["ja", "en"], "9a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d;3c4d5e6f;7a8b",
       ["見積書"], [])
    j = "juergen.mueller@contoso.com"
    others = ["carol@contoso.com", "olga.ivanova@contoso.com", "ahmed.ali@fabrikam.com"]
    mk("planted-4-conf-de-ru-ar", "meetings", dt.datetime(2013, 6, 12, 14, 0, 0, 407000, tzinfo=UTC),
       j, others, "Conference organized by " + j,
       [("msg", j, 0, "Guten Tag zusammen, der Quartalsbericht ist fertig."),
        ("msg", "carol@contoso.com", 20, "Great, please share it with everyone."),
        ("msg", "olga.ivanova@contoso.com", 52, "Спасибо, отчёт я проверю сегодня вечером."),
        ("msg", "ahmed.ali@fabrikam.com", 80, "تمت الموافقة على الميزانية الجديدة للربع الثالث."),
        ("event", j, 95, "Q2 Abschluss"),
        ("msg", j, 110, "Danke, dann schließen wir das Thema bis Freitag ab.")],
       "de", ["de", "en", "ru", "ar"], "3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9;4e5f6a7b;8c9d",
       ["Quartalsbericht", "отчёт", "الميزانية"], [])
    return out


# --------------------------------------------------------------------------------------------
# Email
# --------------------------------------------------------------------------------------------

def addr_obj(a):
    user, domain = a.split("@")
    return Address(PERSON[a][0], user, domain)


class Mail:
    __slots__ = ("data", "message_id", "sender", "to", "cc", "subject", "date", "lang",
                 "attachments", "file_name", "planted", "tokens", "phrases", "has_html",
                 "planted_extra")


def _set_boundaries(msg, rng):
    for part in msg.walk():
        if part.is_multipart():
            part.set_boundary("----=_Part_%d_%08x.%d" % (rng.randrange(10 ** 6), rng.getrandbits(32),
                                                         rng.randrange(10 ** 13)))


def build_mail(rng, sender, to, cc, subject, date, text, html_body, attachments, message_id):
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Date"] = format_datetime(date)
    msg["From"] = addr_obj(sender)
    msg["To"] = [addr_obj(a) for a in to]
    if cc:
        msg["Cc"] = [addr_obj(a) for a in cc]
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg.set_content(text, charset="utf-8")
    if html_body is not None:
        msg.add_alternative(html_body, subtype="html", charset="utf-8")
    for name, subtype, data in attachments:
        if "/" in subtype:     # binary: "application/ms-tnef", ... (base64)
            maintype, subtype = subtype.split("/", 1)
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
            continue
        params = {"charset": "utf-8"} if subtype == "plain" else {}
        msg.add_attachment(data, maintype="text", subtype=subtype, filename=name, params=params)
    if not msg.is_multipart():
        msg.make_mixed()
    for part in msg.walk():
        if part is not msg:
            del part["MIME-Version"]   # the email package stamps one on every part it creates
    _set_boundaries(msg, rng)
    return msg.as_bytes(policy=email.policy.SMTP)


CSV_ITEMS = ["widgets", "licences", "travel", "hardware", "consulting", "training", "hosting",
             "support", "catering", "office supplies"]


def random_mail(rng, maker, date):
    sender = rng.choice(ADDRS)
    to = rng.sample([a for a in ADDRS if a != sender], rng.randint(1, 3))
    cc = rng.sample([a for a in ADDRS if a != sender and a not in to], rng.randint(0, 2)) \
        if rng.random() < 0.3 else []
    pref = PERSON[sender][1]
    lang = pref if rng.random() < 0.7 else rng.choices(LANGS, LANG_WEIGHTS)[0]
    subject = rng.choice(IM_SUBJECTS[lang])
    if rng.random() < 0.3:
        subject = "Re: " + subject
    sentences = [maker.sentence(rng, maker.message_lang(rng, lang)).replace(CRLF, "\n")
                 for _ in range(rng.randint(2, 7))]
    first = PERSON[to[0]][0]
    text = "\n".join([EMAIL_GREETING[lang].format(name=first), ""] + sentences +
                     ["", EMAIL_CLOSING[lang], PERSON[sender][0]]) + "\n"
    html_body = None
    if rng.random() < 0.4:
        html_body = ("<html><body><p>" + html.escape(EMAIL_GREETING[lang].format(name=first)) +
                     "</p>" + "".join("<p>%s</p>" % html.escape(s) for s in sentences) +
                     "<p>%s<br>%s</p></body></html>\n" % (html.escape(EMAIL_CLOSING[lang]),
                                                          html.escape(PERSON[sender][0])))
    attachments = []
    for k in range(rng.choice([0, 0, 1, 1, 2])):
        if k == 0 and rng.random() < 0.5 or k == 1:
            rows = [["item", "quantity", "unit_price", "currency"]]
            for _ in range(rng.randint(2, 8)):
                rows.append([rng.choice(CSV_ITEMS), str(rng.randint(1, 500)),
                             "%d.%02d" % (rng.randint(1, 2000), rng.randrange(100)),
                             rng.choice(["USD", "EUR", "CNY", "JPY", "RUB"])])
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerows(rows)
            attachments.append(("figures-%04d.csv" % rng.randrange(10000), "csv",
                                buf.getvalue().encode("utf-8")))
        else:
            note = "\n".join(maker.sentence(rng, lang).replace(CRLF, "\n")
                             for _ in range(rng.randint(2, 6))) + "\n"
            attachments.append(("notes-%04d.txt" % rng.randrange(10000), "plain",
                                note.encode("utf-8")))
    domain = sender.split("@")[1]
    mid = "<%016x%08x@%s>" % (rng.getrandbits(64), rng.getrandbits(32), domain)
    m = Mail()
    m.data = build_mail(rng, sender, to, cc, subject, date, text, html_body, attachments, mid)
    m.message_id, m.sender, m.to, m.cc, m.subject, m.date = mid, sender, to, cc, subject, date
    m.lang, m.attachments, m.has_html = lang, attachments, html_body is not None
    m.file_name = "%s-%s.eml" % (date.strftime("%Y%m%d-%H%M%S"), mid[1:9])
    m.planted, m.tokens, m.phrases = None, [], []
    return m


def planted_mail():
    rng = random.Random("docket-planted-mail")  # boundaries only; content is fixed
    sender, to = "alice@contoso.com", ["dave@fabrikam.com"]
    date = dt.datetime(2013, 6, 14, 16, 42, 5, tzinfo=UTC)
    text = ("Hi Dave,\n\nattached is the Project Falcon budget for the second half of 2013.\n"
            "Please check the numbers before our call on Monday.\n\nBest regards,\nAlice Smith\n")
    csv_text = ("category,amount,currency,note\r\n"
                "engineering,420000,USD,two new hires\r\n"
                "marketing,95000,USD,launch events\r\n"
                "zanzibarquota,125000,USD,reserve for the Zanzibar pilot\r\n"
                "travel,38000,USD,\r\n")
    attachments = [("falcon-budget.csv", "csv", csv_text.encode("utf-8"))]
    mid = "<falcon-budget-20130614@contoso.com>"
    m = Mail()
    m.data = build_mail(rng, sender, to, [], "Project Falcon budget", date, text, None,
                        attachments, mid)
    m.message_id, m.sender, m.to, m.cc, m.subject, m.date = mid, sender, to, [], \
        "Project Falcon budget", date
    m.lang, m.attachments, m.has_html = "en", attachments, False
    m.file_name = "20130614-164205-project-falcon-budget.eml"
    m.planted = "planted-5-email-falcon"
    m.tokens, m.phrases = ["zanzibarquota", "Falcon"], ["Project Falcon budget"]
    return m


# --------------------------------------------------------------------------------------------
# Archive writers (deterministic)
# --------------------------------------------------------------------------------------------

def zip_info(name, when):
    zi = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.create_system = 0          # as written on Windows
    zi.external_attr = 0x20       # FILE_ATTRIBUTE_ARCHIVE
    return zi


def dir_zip_info(name, when):
    zi = zipfile.ZipInfo(name.rstrip("/") + "/", date_time=when.timetuple()[:6])
    zi.create_system = 0
    zi.external_attr = 0x10       # FILE_ATTRIBUTE_DIRECTORY
    return zi


class ArchiveWriter:
    """Writes (member, bytes, mtime) in the order given (callers sort) to zip / tar.gz / dir."""

    def __init__(self, path, fmt, dir_entries):
        self.path, self.fmt, self.dir_entries = path, fmt, dir_entries
        self.dirs = set()
        if fmt == "zip":
            self.zf = zipfile.ZipFile(path, "w")
        elif fmt == "tar.gz":
            self.raw = open(path, "wb")
            self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0)
            self.tf = tarfile.open(fileobj=self.gz, mode="w", format=tarfile.PAX_FORMAT)
        elif fmt == "dir":
            os.makedirs(path, exist_ok=True)
        else:
            raise ValueError("unknown format " + fmt)

    def _parents(self, member, when):
        parts = member.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in self.dirs:
                self.dirs.add(d)
                yield d

    def add(self, member, data, when):
        if self.fmt == "zip":
            if self.dir_entries:
                for d in self._parents(member, when):
                    self.zf.writestr(dir_zip_info(d, when), b"")
            self.zf.writestr(zip_info(member, when), data)
        elif self.fmt == "tar.gz":
            for d in self._parents(member, when):
                ti = tarfile.TarInfo(d)
                ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, int(when.timestamp())
                self.tf.addfile(ti)
            ti = tarfile.TarInfo(member)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, int(when.timestamp())
            self.tf.addfile(ti, io.BytesIO(data))
        else:
            p = os.path.join(self.path, *member.split("/"))
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)

    def close(self):
        if self.fmt == "zip":
            self.zf.close()
        elif self.fmt == "tar.gz":
            self.tf.close()
            self.gz.close()
            self.raw.close()


def zip_bytes(entries, dir_entries=False):
    """entries: [(name, data, when)] → zip file bytes (deterministic)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        seen = set()
        for name, data, when in entries:
            if dir_entries:
                parts = name.split("/")[:-1]
                for i in range(1, len(parts) + 1):
                    d = "/".join(parts[:i])
                    if d not in seen:
                        seen.add(d)
                        zf.writestr(dir_zip_info(d, when), b"")
            zf.writestr(zip_info(name, when), data)
    return buf.getvalue()


def archive_plan(formats, count):
    """e.g. (["zip", "tar.gz"], 3) → ["zip", "zip", "tar.gz"]: the first format fills the rest."""
    count = max(count, len(formats))
    return [formats[0]] * (count - len(formats) + 1) + formats[1:]


def archive_name(i, fmt):
    return "lync-export-%d%s" % (i + 1, "" if fmt == "dir" else "." + fmt)


def ipath_of(archive, member, fmt):
    return "%s/%s" % (archive, member) if fmt == "dir" else "%s!/%s" % (archive, member)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def session_record(s, archive, fmt, member, data):
    msgs = [ln for ln in s.lines if ln[0] == "msg"]
    rec = {
        "ipath": ipath_of(archive, member, fmt),
        "archive": archive,
        "member": member,
        "file_name": member.rsplit("/", 1)[1],
        "kind": s.kind,
        "session_id": s.session_id,
        "title": s.subject,
        "from": s.sender,
        "to": list(s.recipients),
        "participants": [s.sender] + list(s.recipients),
        "senders": sorted({ln[1] for ln in msgs}),
        "sent": iso(s.start),
        "sent_ms": epoch_ms(s.start.replace(microsecond=0)),
        "file_time": iso_ms(s.start),
        "last_activity": iso(s.lines[-1][2]),
        "message_count": len(msgs),
        "event_count": len(s.lines) - len(msgs),
        "language": s.lang,
        "languages": s.langs,
        "size": len(data),
        "sha256": sha256(data),
    }
    if s.planted:
        rec["planted"] = s.planted
    return rec


def mail_record(m, ipath, archive, member, container):
    rec = {
        "ipath": ipath,
        "archive": archive,
        "member": member,
        "container": container,
        "file_name": m.file_name,
        "kind": "email",
        "message_id": m.message_id,
        "title": m.subject,
        "from": m.sender,
        "to": list(m.to),
        "cc": list(m.cc),
        "participants": [m.sender] + list(m.to) + list(m.cc),
        "sent": iso(m.date),
        "sent_ms": epoch_ms(m.date),
        "message_count": 1,
        "attachment_count": len(m.attachments),
        "attachments": [{"file_name": n, "size": len(d), "sha256": sha256(d)}
                        for n, _, d in m.attachments],
        "has_html": m.has_html,
        "language": m.lang,
        "size": len(m.data),
        "sha256": sha256(m.data),
    }
    if m.planted:
        rec["planted"] = m.planted
    return rec


# --------------------------------------------------------------------------------------------
# Conference uploads: handouts and decks as extra MIME parts of a _conf.eml
# --------------------------------------------------------------------------------------------

OOXML = document_samples.OOXML
UPLOAD_MEDIA_TYPES = {
    "pptx": OOXML + "presentationml.presentation",
    "docx": OOXML + "wordprocessingml.document",
    "xlsx": OOXML + "spreadsheetml.sheet",
    "pdf": "application/pdf",
}
UPLOAD_KINDS = ["pptx", "docx", "xlsx", "pdf"]
UPLOAD_STEMS = {"pptx": ["deck", "slides", "review"], "docx": ["agenda", "minutes", "handout"],
                "xlsx": ["figures", "budget", "tracker"], "pdf": ["handout", "report", "brief"]}


class Upload:
    __slots__ = ("file_name", "kind", "media_type", "data", "tokens", "planted_extra")


def upload_document(kind, title, author, when, paragraphs, rng):
    """paragraphs: the text lines; one file of `kind` holding them (and `title`)."""
    if kind == "pptx":
        slides = [[title] + paragraphs[:2]] + [[p] for p in paragraphs[2:]]
        return document_samples.make_pptx(slides, title=title, author=author)
    if kind == "docx":
        return document_samples.make_docx([title] + paragraphs, title=title, author=author,
                                          created=iso(when))
    if kind == "xlsx":
        rows = [["item", "quantity", "unit_price", "currency"]]
        for _ in range(rng.randint(2, 6)):
            rows.append([rng.choice(CSV_ITEMS), rng.randint(1, 500),
                         rng.randint(100, 200000) / 100.0,
                         rng.choice(["USD", "EUR", "CNY", "JPY", "RUB"])])
        return document_samples.make_xlsx({"Budget": rows, "Notes": [[p] for p in paragraphs]},
                                          title=title, author=author)
    return document_samples.make_pdf(["\n".join([title, ""] + paragraphs)], title=title,
                                     author=author)


def make_upload(kind, file_name, data, tokens=(), planted_extra=None):
    u = Upload()
    u.kind, u.file_name, u.media_type, u.data = kind, file_name, UPLOAD_MEDIA_TYPES[kind], data
    u.tokens, u.planted_extra = list(tokens), planted_extra
    return u


def random_upload(rng, maker, s, kind, used_names):
    # PDF text is WinAnsi (Helvetica): Latin sentences only there.
    lang = s.lang if kind != "pdf" or s.lang in ("en", "de") else "en"
    paragraphs = [maker.sentence(rng, lang).replace(CRLF, " ") for _ in range(rng.randint(2, 5))]
    if kind == "pdf":
        paragraphs = [p for p in paragraphs if p.encode("cp1252", "replace").decode("cp1252") == p]
        paragraphs = paragraphs or [rng.choice(BUILTIN["en"])]
    title = rng.choice(IM_SUBJECTS[lang])
    name = "%s-%04d.%s" % (rng.choice(UPLOAD_STEMS[kind]), rng.randrange(10000), kind)
    while name in used_names:
        name = "%s-%04d.%s" % (rng.choice(UPLOAD_STEMS[kind]), rng.randrange(10000), kind)
    used_names.add(name)
    data = upload_document(kind, title, PERSON[s.sender][0], s.start, paragraphs, rng)
    return make_upload(kind, name, data)


def planted_uploads(s):
    """The two planted uploads: a deck (token orchidvault) and a PDF (token basaltcompass). Their
    bytes are fixed; the conference that carries them depends on the seed (see the manifest)."""
    author = PERSON[s.sender][0]
    deck = document_samples.make_pptx(
        [["Rollout plan", "Project orchidvault starts in the Nordic region in July.",
          "Pilot sites: Oslo, Malmö, Tampere."],
         ["Risks", "Hardware delivery may slip by two weeks."]],
        title="Rollout plan", author=author)
    memo = document_samples.make_pdf(
        ["Internal memo\n\nThe basaltcompass audit closes on 30 June 2013.\n"
         "Please send open questions to the audit office before then."],
        title="Audit memo", author=author)
    return [make_upload("pptx", "rollout-plan.pptx", deck, ["orchidvault"],
                        "planted-upload-pptx-orchidvault"),
            make_upload("pdf", "audit-memo.pdf", memo, ["basaltcompass"],
                        "planted-upload-pdf-basaltcompass")]


def plan_uploads(sessions, seed, ratio, maker):
    """Gives about `ratio` of the random conferences 1-2 uploads (at least two conferences when
    ratio > 0: the first carries the planted deck, the second the planted PDF). Uses its own RNG,
    so the sessions themselves do not change."""
    rng = random.Random("%d:uploads" % seed)
    confs = [s for s in sessions if s.planted is None and s.kind == "meetings"]
    if ratio <= 0 or not confs:
        return []
    picked = [s for s in confs if rng.random() < ratio]
    want = min(2, len(confs))
    if len(picked) < want:
        rest = [s for s in confs if all(s is not p for p in picked)]
        picked += rng.sample(rest, want - len(picked))
    position = {id(s): i for i, s in enumerate(sessions)}
    picked.sort(key=lambda s: position[id(s)])
    for n, s in enumerate(picked):
        used = set()
        if n == 0:
            s.uploads = [planted_uploads(s)[0], random_upload(rng, maker, s, "xlsx", used)]
        elif n == 1:
            s.uploads = [planted_uploads(s)[1]]
        else:
            kinds = [rng.choice(UPLOAD_KINDS)]
            if rng.random() < 0.25:
                kinds.append(rng.choice(UPLOAD_KINDS))
            s.uploads = [random_upload(rng, maker, s, k, used) for k in kinds]
    return picked


def upload_records(s, conference_ipath):
    return [{"file_name": u.file_name, "kind": u.kind, "media_type": u.media_type,
             "ipath": conference_ipath + "!/attachment/" + u.file_name, "size": len(u.data),
             "sha256": sha256(u.data), "tokens": u.tokens}
            for u in s.uploads]


# --------------------------------------------------------------------------------------------
# LcsLog SQL dumps (lcslog_dump.py) of sessions that are also in the exports, plus a few that
# exist only in the dumps
# --------------------------------------------------------------------------------------------

LCSLOG_VARIANTS = ["bcp-char", "bcp-w", "csv"]
# Under sql/ so that a folder walk (Docket sorts paths) meets the export archives first: a session
# found in both is stored under its export ipath, and the dump becomes one more location of it.
LCSLOG_ROOT = "sql/lcslog"


def lcslog_only_sessions():
    """Fixed sessions written only to the dumps, one per variant; independent of the seed. They
    never involve bob@contoso.com (tests query him by participant and compare with the items,
    which hold no sha256 for a dump rendering)."""
    out = []

    def mk(pid, variant, kind, start, sender, recipients, lines, lang, langs, tokens):
        s = new_session()
        s.kind, s.start, s.sender, s.recipients = kind, start, sender, recipients
        s.subject = (p2p_subject(sender, recipients[0]) if kind == "im"
                     else "Conference organized by " + sender)
        s.session_id = ""
        s.lang, s.langs = lang, langs
        s.lines = [("msg", who, start.replace(microsecond=0) + dt.timedelta(seconds=off), text)
                   for who, off, text in lines]
        s.planted, s.tokens, s.phrases = pid, tokens, []
        out.append((variant, s))

    c, d = "carol@contoso.com", "dave@fabrikam.com"
    mk("lcslog-only-1-p2p-en", "bcp-char", "im", dt.datetime(2013, 6, 18, 10, 20, 30, 125000, tzinfo=UTC),
       c, [d],
       [(c, 0, "Dave, the lanternquay shipment cleared customs this morning."),
        (d, 25, "Great news & thanks! Send me the paperwork when you can."),
        (c, 61, "Will do, the scans go out before 3pm.")],
       "en", ["en"], ["lanternquay"])
    s, o, lm, e = ("sabine.schaefer@contoso.com", "olga.ivanova@contoso.com", "li.ming@contoso.com",
                   "erin@fabrikam.com")
    mk("lcslog-only-2-conf-de-ru-zh", "bcp-w", "meetings",
       dt.datetime(2013, 6, 19, 15, 0, 0, 250000, tzinfo=UTC), s, [o, lm, e],
       [(s, 0, "Guten Tag, bitte prüft das Protokoll marzipanledger bis Montag."),
        (o, 30, "Хорошо, я посмотрю протокол завтра утром."),
        (lm, 75, "收到，我明天上午回复大家。"),
        (e, 110, "Thanks, I added my comments to the shared folder."),
        (s, 140, "Danke euch allen, bis nächste Woche.")],
       "de", ["de", "ru", "zh-Hans", "en"], ["marzipanledger"])
    sh = "sato.hanako@contoso.com"
    mk("lcslog-only-3-p2p-zh-ja", "csv", "im", dt.datetime(2013, 6, 20, 8, 45, 10, 375000, tzinfo=UTC),
       lm, [sh],
       [(lm, 0, "佐藤小姐，quillfjord 项目的报价单已经发给你了。"),
        (sh, 40, "ありがとうございます。quillfjord の件、確認します。"),
        (lm, 95, "好的，有问题随时联系我。")],
       "zh-Hans", ["zh-Hans", "ja"], ["quillfjord"])
    for _, s in out:
        for line in s.lines:
            assert is_reserved_free(line[3].replace(s.tokens[0], "")), line
    return out


def lcslog_table_file(variant, kind):
    return ("ConferenceMessages" if kind == "meetings" else "Messages") + \
        (".csv" if variant == "csv" else ".dat")


def lcslog_ipath(variant, s):
    """Docket's ipath of a dump session: <folder>/<message table file>!/<export-style name>.tsv."""
    return "%s/%s/%s!/%s" % (LCSLOG_ROOT, variant, lcslog_table_file(variant, s.kind),
                             s.file_name()[:-len(".eml")] + ".tsv")


def plan_lcslog(sessions, seed, n_merged, n_only):
    """Returns {variant: [sessions]}: n_merged random export sessions dealt round-robin (in start
    order) to the variants, plus the first n_only dump-only sessions."""
    rng = random.Random("%d:lcslog" % seed)
    groups = {v: [] for v in LCSLOG_VARIANTS}
    # ConferenceMessages rows carry SessionIdTime only: two conferences starting in the same
    # millisecond in one dump could not be told apart, so they go to different dumps.
    conf_starts = {v: set() for v in LCSLOG_VARIANTS}
    candidates = [s for s in sessions if s.planted is None]
    chosen = sorted(rng.sample(candidates, min(n_merged, len(candidates))), key=Session.key)
    for i, s in enumerate(chosen):
        # bcp writes a body's line break raw, which ends the row there (the reader then rejects
        # both halves): a session with a two-line message goes to the CSV dump, which quotes it.
        multiline = any("\n" in ln[3] or "\r" in ln[3] for ln in s.lines if ln[0] == "msg")
        allowed = ["csv"] if multiline else LCSLOG_VARIANTS
        for k in range(len(allowed)):
            v = allowed[(i + k) % len(allowed)]
            if s.kind != "meetings" or s.start not in conf_starts[v]:
                break
        else:
            continue
        groups[v].append(s)
        if s.kind == "meetings":
            conf_starts[v].add(s.start)
    keys = {s.key() for s in sessions}
    for v, s in lcslog_only_sessions()[:n_only]:
        while s.key() in keys or (s.kind == "meetings" and s.start in conf_starts[v]):
            s.seq += 1
        keys.add(s.key())
        groups[v].append(s)
    return groups


def write_lcslog(out, seed, groups, export_ipaths):
    """Writes one dump folder per non-empty variant; returns the manifest's "lcslog" section."""
    dumps, rows = [], []
    for v in LCSLOG_VARIANTS:
        group = groups[v]
        if not group:
            continue
        folder = LCSLOG_ROOT + "/" + v
        path = os.path.join(out, *folder.split("/"))
        lcslog_dump.write_lcslog_dump(path, group, v, random.Random("%d:lcslog:%s" % (seed, v)))
        files = []
        for name in sorted(os.listdir(path)):
            with open(os.path.join(path, name), "rb") as f:
                data = f.read()
            files.append({"name": name, "size": len(data), "sha256": sha256(data)})
        only = [s for s in group if s.planted is not None]
        dumps.append({"variant": v, "folder": folder, "files": files, "sessions": len(group),
                      "merged": len(group) - len(only), "dump_only": len(only)})
        for s in sorted(group, key=Session.key):
            msgs = [ln for ln in s.lines if ln[0] == "msg"]
            exports = export_ipaths.get(s.key(), []) if s.planted is None else []
            row = {
                "ipath": lcslog_ipath(v, s),
                "variant": v,
                "folder": folder,
                "table": lcslog_table_file(v, s.kind),
                "kind": s.kind,
                "start_ms": epoch_ms(s.start),
                "file_time": iso_ms(s.start),
                "sequence": s.seq,
                "session_id": s.session_id or None,
                "title": s.subject,
                "from": s.sender,
                "participants": [s.sender] + list(s.recipients),
                "sent": iso(s.start),
                "message_count": len(msgs),
                "export_ipaths": exports,
                "expected_ipath": exports[0] if exports else lcslog_ipath(v, s),
                "dump_only": s.planted is not None,
            }
            if s.planted is not None:
                row["planted_extra"] = s.planted
                row["tokens"] = s.tokens
                row["languages"] = s.langs
            rows.append(row)
    return {"root": LCSLOG_ROOT, "variants": LCSLOG_VARIANTS, "dumps": dumps, "sessions": rows}


# --------------------------------------------------------------------------------------------
# More mail: an mbox, a TNEF winmail.dat, Office and zip attachments
# --------------------------------------------------------------------------------------------

def fixed_mail(pid, sender, to, subject, date, text, attachments, mid, file_name, lang, tokens,
               phrases=()):
    """A mail whose content is fixed (independent of the seed), like planted_mail()."""
    rng = random.Random("docket-" + pid)  # boundaries only
    m = Mail()
    m.data = build_mail(rng, sender, to, [], subject, date, text, None, attachments, mid)
    m.message_id, m.sender, m.to, m.cc, m.subject, m.date = mid, sender, to, [], subject, date
    m.lang, m.attachments, m.has_html = lang, attachments, False
    m.file_name = file_name
    # Not m.planted: "planted" (and counts.planted) keep meaning the five original items.
    m.planted, m.planted_extra, m.tokens, m.phrases = None, pid, list(tokens), list(phrases)
    return m


def planted_mbox_mail():
    return fixed_mail(
        "planted-mbox-pelicanharbor", "erin@fabrikam.com", ["frank@fabrikam.com"], "Harbor visit",
        dt.datetime(2013, 6, 21, 9, 30, 0, tzinfo=UTC),
        "Hi Frank,\n\nthe pelicanharbor tour is confirmed for Thursday at 10:00.\n"
        "Please bring safety shoes.\n\nBest regards,\nErin Davis\n",
        [], "<pelican-harbor-20130621@fabrikam.com>", "20130621-093000-harbor-visit.eml", "en",
        ["pelicanharbor"])


def attachment_mails():
    """(mail, details) for the TNEF, docx and zip-with-pdf emails. details: per attachment, the
    extra manifest fields (kind, tokens, children)."""
    out = []
    docx_mime = UPLOAD_MEDIA_TYPES["docx"]
    draft = document_samples.make_docx(
        ["Vertragsentwurf", "Die Gutschrift tamarindvoucher gilt bis Ende September.",
         "Zahlungsziel: 30 Tage netto."],
        title="Vertragsentwurf", author="Klaus Becker", created="2013-06-24T10:00:00Z")
    winmail = mail_samples.make_tnef(
        "Vertragsentwurf", "Hallo Jürgen,\r\nanbei der Entwurf.\r\n",
        [("Vertragsentwurf.docx", draft, docx_mime)])
    m = fixed_mail(
        "planted-tnef-tamarindvoucher", "klaus.becker@fabrikam.com", ["juergen.mueller@contoso.com"],
        "Vertragsentwurf", dt.datetime(2013, 6, 24, 11, 5, 0, tzinfo=UTC),
        "Hallo Jürgen,\n\nanbei der Entwurf (Outlook hat ihn als winmail.dat verpackt).\n\n"
        "Viele Grüße\nKlaus Becker\n",
        [("winmail.dat", "application/ms-tnef", winmail)], "<vertragsentwurf-20130624@fabrikam.com>",
        "20130624-110500-vertragsentwurf.eml", "de", ["tamarindvoucher"])
    out.append((m, [{"kind": "tnef", "tokens": [], "children": [
        {"file_name": "Vertragsentwurf.docx", "path": "attachment/Vertragsentwurf.docx",
         "kind": "docx", "size": len(draft), "sha256": sha256(draft),
         "tokens": ["tamarindvoucher"]}]}]))

    forecast = document_samples.make_docx(
        ["Q3 forecast", "The cobaltmeridian account renews in September.",
         "第三季的營收預計成長百分之五。", "Итог: выручка растёт третий квартал подряд."],
        title="Q3 forecast", author="王芳", created="2013-06-25T02:00:00Z")
    m = fixed_mail(
        "planted-docx-cobaltmeridian", "wang.fang@contoso.com", ["li.ming@contoso.com"],
        "Q3 forecast 第三季預測", dt.datetime(2013, 6, 25, 3, 15, 0, tzinfo=UTC),
        "李明 您好：\n\n附件是第三季的預測，請參考。\n\n敬祝 順心\n王芳\n",
        [("Q3-forecast.docx", docx_mime, forecast)], "<q3-forecast-20130625@contoso.com>",
        "20130625-031500-q3-forecast.eml", "zh-Hant", ["cobaltmeridian"])
    out.append((m, [{"kind": "docx", "tokens": ["cobaltmeridian"], "children": []}]))

    scan = document_samples.make_pdf(
        ["Supply agreement\n\nReference saffronglacier, signed on 26 June 2013.",
         "Terms and conditions: delivery within 30 days of the order."],
        title="Supply agreement", author="Frank Miller")
    readme = b"Scans of the signed supply agreement.\r\n"
    when = dt.datetime(2013, 6, 26, 14, 0, 0, tzinfo=UTC)
    scans = zip_bytes([("signed/contract-scan.pdf", scan, when), ("signed/readme.txt", readme, when)])
    m = fixed_mail(
        "planted-zip-pdf-saffronglacier", "frank@fabrikam.com", ["sabine.schaefer@contoso.com"],
        "Signed agreement scans", dt.datetime(2013, 6, 26, 14, 20, 0, tzinfo=UTC),
        "Hi Sabine,\n\nthe signed scans are in the attached zip.\n\nBest regards,\nFrank Miller\n",
        [("scans-2013-06.zip", "application/zip", scans)], "<signed-scans-20130626@fabrikam.com>",
        "20130626-142000-signed-scans.eml", "en", ["saffronglacier"])
    out.append((m, [{"kind": "zip", "tokens": [], "children": [
        {"file_name": "contract-scan.pdf", "path": "signed/contract-scan.pdf", "kind": "pdf",
         "size": len(scan), "sha256": sha256(scan), "tokens": ["saffronglacier"]},
        {"file_name": "readme.txt", "path": "signed/readme.txt", "kind": "text",
         "size": len(readme), "sha256": sha256(readme), "tokens": []}]}]))
    return out


def mbox_postmark(m):
    d = m.date
    return (m.sender.encode("ascii"),
            ("%s %s %2d %02d:%02d:%02d %d" % (
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.weekday()],
                ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec"][d.month - 1], d.day, d.hour, d.minute, d.second, d.year)).encode("ascii"))


def make_mailbox(messages):
    """mboxrd bytes: one postmark per message from its own sender and date."""
    out = b""
    for m in messages:
        sender, date = mbox_postmark(m)
        out += mail_samples.make_mbox([m.data], sender=sender, date=date)
    return out


# --------------------------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------------------------

def write_bad_inputs(out, seed, maker):
    rng = random.Random("%d:bad" % seed)
    bad = os.path.join(out, "bad")
    os.makedirs(bad, exist_ok=True)
    records = []

    # truncated.zip: 3 sessions, cut in the middle of the third member's compressed data.
    sessions = []
    for i in range(3):
        s = new_session()
        s.start = dt.datetime(2013, 4, 2, 10, 0, 0, tzinfo=UTC) + dt.timedelta(
            minutes=7 * i, milliseconds=rng.randrange(1000))
        maker.fill_session(s, rng, "im")
        # third session: enough text that the cut falls well inside its data
        if i == 2:
            s.lines = s.lines + [("msg", s.sender, s.lines[-1][2] + dt.timedelta(seconds=k + 1),
                                  maker.sentence(rng, s.lang)) for k in range(20)]
        sessions.append(s)
    prefix = "LyncArchive-Truncated/atl-sql-001.contoso.com_rtc/"
    entries = [(prefix + s.day_path() + "/" + s.file_name(), s.render(), s.start) for s in sessions]
    full = zip_bytes(entries)
    with zipfile.ZipFile(io.BytesIO(full)) as zf:
        info = zf.infolist()[2]
    name_len = len(info.filename.encode("utf-8"))
    extra_len = int.from_bytes(full[info.header_offset + 28:info.header_offset + 30], "little")
    data_start = info.header_offset + 30 + name_len + extra_len
    cut = data_start + info.compress_size // 2
    with open(os.path.join(bad, "truncated.zip"), "wb") as f:
        f.write(full[:cut])
    for idx, (s, (member, data, _)) in enumerate(zip(sessions, entries)):
        rec = session_record(s, "bad/truncated.zip", "zip", member, data)
        rec["intact"] = idx < 2
        records.append(rec)

    # bogus-charset.eml: ISO-8859-1 bytes labelled with a charset nobody knows.
    body = "Grüße aus München, die Bestellung für Müller ist fertig.\r\n".encode("iso-8859-1")
    head = CRLF.join([
        "Date: Tue, 09 Apr 2013 08:30:00 +0000",
        "From: Sabine Schaefer <sabine.schaefer@contoso.com>",
        "To: Klaus Becker <klaus.becker@fabrikam.com>",
        "Subject: Bestellung",
        "Message-ID: <bogus-charset-20130409@contoso.com>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="x-bogus-42"',
        "Content-Transfer-Encoding: 8bit",
        "", ""]).encode("ascii")
    data = head + body
    with open(os.path.join(bad, "bogus-charset.eml"), "wb") as f:
        f.write(data)
    records.append({"ipath": "bad/bogus-charset.eml", "kind": "email",
                    "message_id": "<bogus-charset-20130409@contoso.com>",
                    "expected_text": "Grüße aus München, die Bestellung für Müller ist fertig.",
                    "charset_label": "x-bogus-42", "actual_charset": "iso-8859-1",
                    "size": len(data), "sha256": sha256(data)})

    # not-mime.eml: random bytes.
    junk = rng.randbytes(4096)
    with open(os.path.join(bad, "not-mime.eml"), "wb") as f:
        f.write(junk)
    records.append({"ipath": "bad/not-mime.eml", "kind": "unknown", "size": len(junk),
                    "sha256": sha256(junk)})
    return records


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def write_manifest(path, manifest):
    """Pretty JSON, except that each entry of "items" and "bad" is one compact line (fast, greppable)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("{\n")
        keys = list(manifest)
        for i, key in enumerate(keys):
            value = manifest[key]
            f.write(" %s: " % json.dumps(key))
            if key in ("items", "bad"):
                f.write("[" if value else "[]")
                for j, item in enumerate(value):
                    f.write("\n  " + json.dumps(item, ensure_ascii=False, separators=(",", ":")))
                    f.write("," if j + 1 < len(value) else "\n ]")
            else:
                f.write(json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n "))
            f.write(",\n" if i + 1 < len(keys) else "\n")
        f.write("}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--conversations", type=int, default=200,
                    help="random IM sessions + conferences (the 4 planted ones come on top)")
    ap.add_argument("--emails", type=int, default=40,
                    help="random emails (the planted one comes on top)")
    ap.add_argument("--formats", default="zip,tar.gz",
                    help="comma list of zip, tar.gz, dir; the first one fills the extra archives")
    ap.add_argument("--archives", type=int, default=3, help="number of Lync export archives")
    ap.add_argument("--conf-ratio", type=float, default=0.2, help="share of conferences")
    ap.add_argument("--duplicate-rate", type=float, default=0.0,
                    help="share of sessions also archived by a second pool (ArchiveDuplicateMessages)")
    ap.add_argument("--bad-inputs", action="store_true", help="also write bad/ (malformed inputs)")
    ap.add_argument("--lcslog", type=int, default=20, metavar="N",
                    help="export sessions also written to the LcsLog SQL dumps under "
                         + LCSLOG_ROOT + "/<variant>/ (Docket merges each with its export copy)")
    ap.add_argument("--lcslog-only", type=int, default=3, metavar="K",
                    help="fixed sessions written only to the dumps, one per variant (0-3)")
    ap.add_argument("--upload-ratio", type=float, default=0.2, metavar="R",
                    help="share of the random conferences that carry uploaded files (at least "
                         "two conferences when R > 0; 0 = none)")
    ap.add_argument("--mbox", type=int, default=4, metavar="M",
                    help="random emails in mail/archive.mbox (the planted mbox email and a copy "
                         "of a loose email come on top; --no-mail-extras writes no mbox)")
    ap.add_argument("--no-mail-extras", action="store_true",
                    help="skip mail/archive.mbox and the TNEF, docx and zip-attachment emails")
    ap.add_argument("--manifest", metavar="PATH",
                    help="write the manifest here instead of OUT/manifest.json (keeps it out of a "
                         "directory you ingest whole: it names every planted token)")
    ap.add_argument("--builtin-text", action="store_true",
                    help="ignore the Debian text packages: output then depends on the arguments only")
    args = ap.parse_args(argv)

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for f in formats:
        if f not in ("zip", "tar.gz", "dir"):
            ap.error("unknown format %r (zip, tar.gz, dir)" % f)
    if args.conversations < 0 or args.emails < 0 or args.lcslog < 0 or args.mbox < 0:
        ap.error("counts must be >= 0")
    if not 0 <= args.lcslog_only <= len(LCSLOG_VARIANTS):
        ap.error("--lcslog-only takes 0 to %d" % len(LCSLOG_VARIANTS))
    plan = archive_plan(formats, args.archives)
    if len(plan) > len(STORES):
        ap.error("at most %d archives" % len(STORES))

    t0 = time.monotonic()
    out = args.out
    os.makedirs(out, exist_ok=True)
    pools, pool_stats = load_pools(use_packages=not args.builtin_text)
    maker = ContentMaker(pools)
    rng = random.Random("%d:sessions" % args.seed)

    # 1. Plan sessions: start time, kind, archive, per-session seed.
    sessions = []
    for i in range(args.conversations):
        s = new_session()
        start = WINDOW_START + dt.timedelta(days=rng.randrange(WINDOW_DAYS))
        hour = rng.choice([1, 2, 3, 6, 7, 8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 19, 22])
        s.start = start.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60),
                                microsecond=rng.randrange(1000) * 1000)
        s.kind = "meetings" if rng.random() < args.conf_ratio else "im"
        s.archive_index = i * len(plan) // max(args.conversations, 1)
        s.seed = rng.getrandbits(64)
        sessions.append(s)
    for s in planted_sessions():
        s.archive_index = 0
        sessions.append(s)

    # 2. Session numbers: <n> is unique per (archive, time prefix, kind), like SessionIdSeq.
    used = set()
    for s in sorted(sessions, key=lambda s: s.planted is None):   # planted names never move
        if s.planted is None and rng.random() < 0.1:
            s.seq = rng.randint(2, 4)
        while (s.archive_index, s.file_name()) in used:
            s.seq += 1
        used.add((s.archive_index, s.file_name()))

    dup_targets = {}
    if args.duplicate_rate > 0 and len(plan) > 1:
        for idx, s in enumerate(sessions):
            if s.planted is None and rng.random() < args.duplicate_rate:
                other = (s.archive_index + 1 + rng.randrange(len(plan) - 1)) % len(plan)
                if (other, s.file_name()) not in used:
                    used.add((other, s.file_name()))
                    dup_targets.setdefault(other, []).append(idx)

    # Content comes from each session's own RNG, so filling them all here (rather than while
    # writing) changes nothing; uploads need each conference's organizer and language.
    for s in sessions:
        if s.planted is None:
            maker.fill_session(s, random.Random(s.seed), s.kind)
    with_uploads = plan_uploads(sessions, args.seed, args.upload_ratio, maker)

    # 3. Write each archive in member order.
    items = []
    export_records = {}   # Session.key() -> the item records of its export copies
    archives = []
    for a_idx, fmt in enumerate(plan):
        name = archive_name(a_idx, fmt)
        folder, store = STORES[a_idx]
        prefix = folder + "/" + store + "/"
        members = []
        for idx, s in enumerate(sessions):
            if s.archive_index == a_idx:
                members.append((prefix + s.day_path() + "/" + s.file_name(), idx))
        for idx in dup_targets.get(a_idx, []):
            s = sessions[idx]
            members.append((prefix + s.day_path() + "/" + s.file_name(), idx))
        members.sort()
        # lync-export-2 (and -4), when zips, carry directory entries as some Windows tools write.
        writer = ArchiveWriter(os.path.join(out, name), fmt, dir_entries=(a_idx % 2 == 1))
        for member, idx in members:
            s = sessions[idx]
            if s.planted is None and getattr(s, "lines", None) is None:
                maker.fill_session(s, random.Random(s.seed), s.kind)
            data = s.render()
            writer.add(member, data, s.start)
            rec = session_record(s, name, fmt, member, data)
            if s.uploads:
                rec["uploads"] = upload_records(s, rec["ipath"])
                for u in s.uploads:
                    if u.planted_extra:
                        rec.setdefault("planted_extra", []).append(u.planted_extra)
            items.append(rec)
            export_records.setdefault(s.key(), []).append(rec)
        writer.close()
        archives.append({"name": name, "format": fmt, "store": prefix.rstrip("/"),
                         "items": len(members),
                         "has_directory_entries": fmt == "tar.gz" or (fmt == "zip" and a_idx % 2 == 1)})
    # duplicate_of: every copy after the first (in item order) points at the first ipath.
    first = {}
    for rec in items:
        key = rec["session_id"]
        if key in first:
            rec["duplicate_of"] = first[key]
        else:
            first[key] = rec["ipath"]

    # 4. Email.
    mrng = random.Random("%d:mail" % args.seed)
    mails = []
    for _ in range(args.emails):
        date = WINDOW_START + dt.timedelta(days=mrng.randrange(WINDOW_DAYS), hours=mrng.randint(6, 18),
                                           minutes=mrng.randrange(60), seconds=mrng.randrange(60))
        mails.append(random_mail(mrng, maker, date))
    n_inner = min(2, len(mails))
    n_loose = (len(mails) - n_inner) // 2
    loose, inner, top = mails[:n_loose], mails[n_loose:n_loose + n_inner], mails[n_loose + n_inner:]
    top.append(planted_mail())
    mail_dir = os.path.join(out, "mail")
    os.makedirs(mail_dir, exist_ok=True)
    for m in sorted(loose, key=lambda m: m.file_name):
        with open(os.path.join(mail_dir, m.file_name), "wb") as f:
            f.write(m.data)
        items.append(mail_record(m, "mail/" + m.file_name, None, None, "mail"))
    inner = sorted(inner, key=lambda m: m.file_name)
    inner_zip = zip_bytes([(m.file_name, m.data, m.date) for m in inner])
    top_entries = [(m.date.strftime("%Y/%m/") + m.file_name, m.data, m.date, m) for m in top]
    top_entries.append(("nested/inner.zip", inner_zip, dt.datetime(2013, 9, 1, tzinfo=UTC), None))
    top_entries.sort(key=lambda e: e[0])
    with open(os.path.join(out, "mail", "mail-archive.zip"), "wb") as f:
        f.write(zip_bytes([(n, d, w) for n, d, w, _ in top_entries]))
    for n, _, _, m in top_entries:
        if m is not None:
            items.append(mail_record(m, "mail/mail-archive.zip!/" + n, "mail/mail-archive.zip", n,
                                     "mail/mail-archive.zip"))
    for m in inner:
        items.append(mail_record(m, "mail/mail-archive.zip!/nested/inner.zip!/" + m.file_name,
                                 "mail/mail-archive.zip", "nested/inner.zip!/" + m.file_name,
                                 "mail/mail-archive.zip!/nested/inner.zip"))
    archives.append({"name": "mail/mail-archive.zip", "format": "zip", "store": None,
                     "items": len(top) + len(inner), "nested": ["nested/inner.zip"]})

    # 4b. More mail: attachment emails (loose), then the mbox. Own RNG; the mails above stay.
    planted_extra = []
    mailboxes = []
    mail_extra = 0
    if not args.no_mail_extras:
        for m, details in attachment_mails():
            with open(os.path.join(mail_dir, m.file_name), "wb") as f:
                f.write(m.data)
            rec = mail_record(m, "mail/" + m.file_name, None, None, "mail")
            rec["planted_extra"] = [m.planted_extra]
            for att, extra in zip(rec["attachments"], details):
                att["ipath"] = rec["ipath"] + "!/attachment/" + att["file_name"]
                att.update({k: v for k, v in extra.items() if k != "children"})
                att["children"] = [dict(c, ipath=att["ipath"] + "!/" + c.pop("path"))
                                   for c in extra["children"]]
                holders = [att] + att["children"]
                token_ipath = next(h["ipath"] for h in holders if h["tokens"])
            items.append(rec)
            mail_extra += 1
            # Docket folds an attachment's text (a TNEF's attachments included) into the email,
            # but a member of an attached archive is an item of its own: the search hit.
            hit = token_ipath if details[0]["kind"] == "zip" else rec["ipath"]
            planted_extra.append({"id": m.planted_extra,
                                  "source": "attachment-" + details[0]["kind"],
                                  "ipath": hit, "token_ipath": token_ipath,
                                  "family_ipath": rec["ipath"],
                                  "kind": "email", "tokens": m.tokens, "phrases": m.phrases,
                                  "participants": rec["participants"], "sent": rec["sent"]})
        xrng = random.Random("%d:mbox" % args.seed)
        boxed = []
        for _ in range(args.mbox):
            date = WINDOW_START + dt.timedelta(days=xrng.randrange(WINDOW_DAYS),
                                               hours=xrng.randint(6, 18),
                                               minutes=xrng.randrange(60), seconds=xrng.randrange(60))
            boxed.append((random_mail(xrng, maker, date), None))
        copy_of = sorted(loose, key=lambda m: m.file_name)[:1]
        boxed[2:2] = [(planted_mbox_mail(), None)] + [(m, "mail/" + m.file_name) for m in copy_of]
        box_name = "mail/archive.mbox"
        box = make_mailbox([m for m, _ in boxed])
        with open(os.path.join(out, *box_name.split("/")), "wb") as f:
            f.write(box)
        for i, (m, original) in enumerate(boxed, start=1):
            rec = mail_record(m, "%s!/%d" % (box_name, i), box_name, str(i), box_name)
            if getattr(m, "planted_extra", None):
                rec["planted_extra"] = [m.planted_extra]
                planted_extra.append({"id": m.planted_extra, "source": "mbox",
                                      "ipath": rec["ipath"], "token_ipath": rec["ipath"],
                                      "family_ipath": rec["ipath"], "kind": "email",
                                      "tokens": m.tokens, "phrases": m.phrases,
                                      "participants": rec["participants"], "sent": rec["sent"]})
            if original:
                rec["duplicate_of"] = original
            items.append(rec)
        mailboxes.append({"name": box_name, "format": "mboxrd", "messages": len(boxed),
                          "size": len(box), "sha256": sha256(box)})

    # 4c. LcsLog dumps: sessions also in the exports (merged by Docket) and dump-only ones.
    lcslog = None
    if args.lcslog or args.lcslog_only:
        groups = plan_lcslog(sessions, args.seed, args.lcslog, args.lcslog_only)
        export_ipaths = {k: [r["ipath"] for r in recs] for k, recs in export_records.items()}
        lcslog = write_lcslog(out, args.seed, groups, export_ipaths)
        for row in lcslog["sessions"]:
            if row["dump_only"]:
                planted_extra.append({"id": row["planted_extra"], "source": "lcslog-" + row["variant"],
                                      "ipath": row["ipath"], "token_ipath": row["ipath"],
                                      "family_ipath": row["ipath"],
                                      "kind": row["kind"], "tokens": row["tokens"], "phrases": [],
                                      "participants": row["participants"], "sent": row["sent"]})
            else:
                for rec in export_records[(row["start_ms"], row["sequence"], row["kind"])]:
                    rec["lcslog_ipath"] = row["ipath"]
                    rec["lcslog_variant"] = row["variant"]

    bad_records = write_bad_inputs(out, args.seed, maker) if args.bad_inputs else []

    # 5. Manifest.
    for a in archives:
        if a["format"] != "dir":
            with open(os.path.join(out, a["name"]), "rb") as f:
                a["sha256"] = hashlib.sha256(f.read()).hexdigest()
    planted = []
    for rec in items:
        if "planted" in rec:
            src = next((s for s in sessions if s.planted == rec["planted"]), None)
            tokens, phrases = (src.tokens, src.phrases) if src else (None, None)
            if src is None:
                pm = planted_mail()
                tokens, phrases = pm.tokens, pm.phrases
            planted.append({"id": rec["planted"], "ipath": rec["ipath"], "kind": rec["kind"],
                            "tokens": tokens, "phrases": phrases,
                            "participants": rec["participants"], "sent": rec["sent"]})
    planted.sort(key=lambda p: p["id"])
    uploads = []
    for rec in items:
        if "uploads" in rec and "duplicate_of" not in rec:
            uploads.append({"ipath": rec["ipath"], "session_id": rec["session_id"],
                            "uploads": rec["uploads"]})
            for u in rec["uploads"]:
                if u["tokens"]:
                    pid = next(x for x in rec["planted_extra"] if u["kind"] in x)
                    planted_extra.append({"id": pid, "source": "upload-" + u["kind"],
                                          "ipath": rec["ipath"], "token_ipath": u["ipath"],
                                          "family_ipath": rec["ipath"],
                                          "kind": rec["kind"], "tokens": u["tokens"],
                                          "phrases": [], "participants": rec["participants"],
                                          "sent": rec["sent"]})
    planted_extra.sort(key=lambda p: p["id"])
    counts = {
        "im": sum(1 for r in items if r["kind"] == "im"),
        "meetings": sum(1 for r in items if r["kind"] == "meetings"),
        "email": sum(1 for r in items if r["kind"] == "email"),
        "duplicates": sum(1 for r in items if "duplicate_of" in r),
        "planted": len(planted),
        "bad": len(bad_records),
        # added with the LcsLog dumps, uploads and mail containers (the keys above keep their
        # meaning: email counts every email item, mbox messages and attachment emails included)
        "conferences_with_uploads": len(uploads),
        "uploads": sum(len(u["uploads"]) for u in uploads),
        "email_in_mbox": sum(m["messages"] for m in mailboxes),
        "email_with_office_attachments": mail_extra,
        "lcslog_sessions": len(lcslog["sessions"]) if lcslog else 0,
        "lcslog_merged": sum(1 for r in lcslog["sessions"] if not r["dump_only"]) if lcslog else 0,
        "lcslog_only": sum(1 for r in lcslog["sessions"] if r["dump_only"]) if lcslog else 0,
        "planted_extra": len(planted_extra),
    }
    langs = {}
    for r in items:
        if r["kind"] != "email":
            for lang in r["languages"]:
                langs[lang] = langs.get(lang, 0) + 1
    manifest = {
        "generator": "data/generate_samples.py",
        "version": GENERATOR_VERSION,
        "args": {"seed": args.seed, "conversations": args.conversations, "emails": args.emails,
                 "formats": formats, "archives": len(plan), "conf_ratio": args.conf_ratio,
                 "duplicate_rate": args.duplicate_rate, "bad_inputs": args.bad_inputs,
                 "builtin_text": args.builtin_text, "lcslog": args.lcslog,
                 "lcslog_only": args.lcslog_only, "upload_ratio": args.upload_ratio,
                 "mbox": args.mbox, "mail_extras": not args.no_mail_extras},
        "sentence_sources": pool_stats,
        "people": [{"display_name": n, "sip": "sip:" + a, "smtp": a, "language": lang}
                   for n, a, lang in PEOPLE],
        "counts": counts,
        "sessions_with_language": {lang: langs.get(lang, 0) for lang in LANGS},
        "archives": archives,
        "planted": planted,
        "planted_extra": planted_extra,
        "uploads": uploads,
        "mailboxes": mailboxes,
        "lcslog": lcslog,
        "items": items,
        "bad": bad_records,
    }
    manifest_path = args.manifest or os.path.join(out, "manifest.json")
    if os.path.dirname(os.path.abspath(manifest_path)):
        os.makedirs(os.path.dirname(os.path.abspath(manifest_path)), exist_ok=True)
    write_manifest(manifest_path, manifest)

    total_bytes = sum(os.path.getsize(os.path.join(out, a["name"])) for a in archives
                      if a["format"] != "dir")
    print("docket samples: %d im + %d meetings (%d planted) in %d archives, %d emails "
          "(%d loose, %d zipped, %d nested, %d in mbox, %d with office/tnef/zip attachments), "
          "%d uploads in %d conferences, %d LcsLog sessions (%d dump-only), %d bad inputs, "
          "%.1f MB, %.1fs -> %s"
          % (counts["im"], counts["meetings"], sum(1 for p in planted if p["kind"] != "email"),
             len(plan), counts["email"], len(loose), len(top), len(inner),
             counts["email_in_mbox"], mail_extra, counts["uploads"],
             counts["conferences_with_uploads"], counts["lcslog_sessions"], counts["lcslog_only"],
             len(bad_records), total_bytes / 1e6, time.monotonic() - t0, os.path.abspath(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
